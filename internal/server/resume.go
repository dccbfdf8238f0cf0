package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"modelward/internal/store"
	"modelward/web"
)

// A form sent after the session ended is not lost: the sign-in page
// carries its fields in hidden inputs named resumePrefix+name, and signing
// in there replays it (resume). A file cannot be carried: the user is told
// to choose it again.
const (
	resumePrefix    = "resume."
	resumeAction    = "resume"
	resumeMultipart = "resume_multipart"
	maxResumeFields = 50
	maxResumeValue  = 64 << 10
)

type resumedKey struct{}

// resumed reports whether r is a form the portal replays after a sign-in.
func resumed(r *http.Request) bool { return r.Context().Value(resumedKey{}) != nil }

// loadSession is scs's LoadAndSave, except for a replayed form, which
// already carries the session of the sign-in that replays it.
func (s *Server) loadSession(next http.Handler) http.Handler {
	load := s.sessions.LoadAndSave(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if resumed(r) {
			next.ServeHTTP(w, r)
			return
		}
		load.ServeHTTP(w, r)
	})
}

// readResume reads the fields of a form sent without a session, to carry
// them through the sign-in. A multipart form's files are dropped.
func readResume(w http.ResponseWriter, r *http.Request) (*web.Resume, error) {
	res := &web.Resume{Action: r.URL.Path}
	if resumeTarget(res.Action) == "" {
		return nil, nil
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		if err := parseForm(r); err != nil {
			return nil, err
		}
		for name, vs := range r.PostForm {
			for _, v := range vs {
				res.Fields = append(res.Fields, web.Field{Name: name, Value: v})
			}
		}
		sortFields(res.Fields)
		return res, checkResume(res)
	}
	if r.MultipartForm != nil {
		// Read already by the handler (readMultipart): its fields are sent
		// again as a plain form, without the file.
		for name, vs := range r.MultipartForm.Value {
			for _, v := range vs {
				res.Fields = append(res.Fields, web.Field{Name: name, Value: v})
			}
		}
		sortFields(res.Fields)
		res.FileDropped = len(r.MultipartForm.File) > 0
		return res, checkResume(res)
	}
	res.Multipart = true
	r.Body = http.MaxBytesReader(w, r.Body, maxEvidenceRequest)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &Error{Status: http.StatusBadRequest, Key: "err.form", Err: err}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, bodyError(err)
		}
		if part.FileName() != "" {
			n, err := io.Copy(io.Discard, part)
			if err != nil {
				return nil, bodyError(err)
			}
			if n > 0 {
				res.FileDropped = true
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, maxResumeValue+1))
		if err != nil {
			return nil, bodyError(err)
		}
		if !utf8.Valid(b) {
			return nil, errFormNotUTF8(part.FormName())
		}
		res.Fields = append(res.Fields, web.Field{Name: part.FormName(), Value: string(b)})
	}
	return res, checkResume(res)
}

func checkResume(res *web.Resume) error {
	if len(res.Fields) > maxResumeFields {
		return &Error{Status: http.StatusBadRequest, Key: "err.form"}
	}
	for _, f := range res.Fields {
		if len(f.Value) > maxResumeValue || !utf8.ValidString(f.Name) {
			return &Error{Status: http.StatusBadRequest, Key: "err.form"}
		}
	}
	return nil
}

// sortFields keeps a form's fields in a stable order (url.Values has none).
func sortFields(fs []web.Field) {
	slices.SortStableFunc(fs, func(a, b web.Field) int { return strings.Compare(a.Name, b.Name) })
}

// resumeTarget is the path a carried form may be replayed to: a page of
// this site, never the sign-in or sign-out themselves; empty when none.
func resumeTarget(action string) string {
	p := localPath(action)
	if p == "/" || p != action || strings.Contains(p, "?") || p == "/login" || p == "/logout" {
		return ""
	}
	return p
}

// resumeOf reads the carried form from the sign-in form's fields.
func resumeOf(f url.Values) *web.Resume {
	action := resumeTarget(f.Get(resumeAction))
	if action == "" {
		return nil
	}
	res := &web.Resume{Action: action, Multipart: f.Get(resumeMultipart) == "1"}
	for name, vs := range f {
		if field, ok := strings.CutPrefix(name, resumePrefix); ok {
			for _, v := range vs {
				res.Fields = append(res.Fields, web.Field{Name: field, Value: v})
			}
		}
	}
	sortFields(res.Fields)
	if checkResume(res) != nil {
		return nil
	}
	return res
}

// resume replays the carried form as user u, sent from the page from, through the whole router, so
// that it meets the same checks as if the session had never ended: the
// access policy, validation, the version the user saw.
func (s *Server) resume(w http.ResponseWriter, r *http.Request, u store.User, res *web.Resume, from string) error {
	var body bytes.Buffer
	contentType := "application/x-www-form-urlencoded"
	if res.Multipart {
		mw := multipart.NewWriter(&body)
		for _, f := range res.Fields {
			if err := mw.WriteField(f.Name, f.Value); err != nil {
				return err
			}
		}
		if err := mw.Close(); err != nil {
			return err
		}
		contentType = mw.FormDataContentType()
	} else {
		v := url.Values{}
		for _, f := range res.Fields {
			v.Add(f.Name, f.Value)
		}
		body.WriteString(v.Encode())
	}
	ctx := context.WithValue(withUser(r.Context(), u), resumedKey{}, true)
	// A fresh routing context: the replay is routed from the start.
	ctx = context.WithValue(ctx, chi.RouteCtxKey, (*chi.Context)(nil))
	replay, err := http.NewRequestWithContext(ctx, http.MethodPost, res.Action, &body)
	if err != nil {
		return err
	}
	replay.Header = r.Header.Clone()
	replay.Header.Set("Content-Type", contentType)
	replay.Header.Del("Content-Length")
	// The response is compressed once, by the sign-in request's own writer.
	replay.Header.Del("Accept-Encoding")
	// The form came from the page the sign-in returns to.
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	replay.Header.Set("Referer", scheme+"://"+r.Host+from)
	replay.Host, replay.RemoteAddr, replay.TLS = r.Host, r.RemoteAddr, r.TLS
	s.handler.ServeHTTP(w, replay)
	return nil
}
