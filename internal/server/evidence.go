package server

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// maxEvidenceRequest bounds an evidence upload's whole body: the file and
// a little room for the other fields.
const maxEvidenceRequest = assess.MaxEvidenceBytes + 1<<20

// evidenceUpload is the evidence form as received.
type evidenceUpload struct {
	Filename string
	Content  []byte
	SHA256   []byte
	TooLarge bool
	Title    string
	Dated    string
	// Chosen says a file was sent at all (a form may be sent without one).
	Chosen bool
}

// parseEvidence reads the evidence form (file, title, dated).
func parseEvidence(r *http.Request) (evidenceUpload, error) {
	_, up, err := readMultipart(r)
	return up, err
}

// maxFieldBytes bounds each text field of a multipart form: a note of
// 4,000 characters takes at most 16 KB.
const maxFieldBytes = 64 << 10

// readMultipart streams a multipart body: the part "file" is read through
// a limit, hashing as it goes, so that no more than the limit is ever
// held; "title" and "dated" go into the upload, and each text part named
// in fields into the map; other parts are skipped.
func readMultipart(r *http.Request, fields ...string) (map[string]string, evidenceUpload, error) {
	var up evidenceUpload
	values := map[string]string{}
	if r.ContentLength > maxEvidenceRequest {
		return values, up, &Error{Status: http.StatusRequestEntityTooLarge, Key: "evidence.err.toolarge"}
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return values, up, &Error{Status: http.StatusBadRequest, Key: "err.form", Err: err}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return values, up, bodyError(err)
		}
		name := part.FormName()
		switch {
		case name == "file":
			var buf bytes.Buffer
			h := sha256.New()
			n, err := io.Copy(io.MultiWriter(&buf, h), io.LimitReader(part, assess.MaxEvidenceBytes+1))
			if err != nil {
				return values, up, bodyError(err)
			}
			up.Chosen = part.FileName() != "" || n > 0
			if n > assess.MaxEvidenceBytes {
				up.TooLarge = true
				_, _ = io.Copy(io.Discard, part)
				continue
			}
			up.Filename, up.Content, up.SHA256 = part.FileName(), buf.Bytes(), h.Sum(nil)
		case name == "title" || name == "dated" || slices.Contains(fields, name):
			b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil {
				return values, up, bodyError(err)
			}
			if len(b) > maxFieldBytes {
				return values, up, &Error{Status: http.StatusBadRequest, Key: "err.form", Err: fmt.Errorf("field %s over %d bytes", name, maxFieldBytes)}
			}
			if !utf8.Valid(b) {
				return values, up, errFormNotUTF8(name)
			}
			switch name {
			case "title":
				up.Title = strings.TrimSpace(string(b))
			case "dated":
				up.Dated = strings.TrimSpace(string(b))
			default:
				values[name] = string(b)
			}
		}
		_ = part.Close() // read to the end already; nothing is lost if closing fails
	}
	// What was read stays with the request, as ParseMultipartForm would
	// leave it, for a form kept to be sent again (readResume).
	form := &multipart.Form{Value: map[string][]string{}, File: map[string][]*multipart.FileHeader{}}
	for name, v := range values {
		form.Value[name] = []string{v}
	}
	form.Value["title"], form.Value["dated"] = []string{up.Title}, []string{up.Dated}
	if up.Chosen {
		form.File["file"] = []*multipart.FileHeader{{Filename: up.Filename, Size: int64(len(up.Content))}}
	}
	r.MultipartForm = form
	return values, up, nil
}

func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &Error{Status: http.StatusRequestEntityTooLarge, Key: "evidence.err.toolarge", Err: err}
	}
	return &Error{Status: http.StatusBadRequest, Key: "err.form", Err: err}
}

// validate checks the upload; it returns the HTTP status to answer with
// and the errors by field, or the evidence to store.
func (up evidenceUpload) validate(year int) (store.NewEvidence, int, map[string]string) {
	errs := map[string]string{}
	status := http.StatusBadRequest
	e := store.NewEvidence{Title: up.Title, Filename: up.Filename, Content: up.Content, SHA256: up.SHA256}
	switch {
	case up.TooLarge:
		errs["file"], status = "evidence.err.toolarge", http.StatusRequestEntityTooLarge
	case len(up.Content) == 0:
		errs["file"] = "evidence.err.empty"
	default:
		t, err := assess.SniffEvidence(up.Content)
		switch {
		case errors.Is(err, assess.ErrEvidenceTruncated):
			errs["file"] = "evidence.err.truncated"
		case errors.Is(err, assess.ErrEvidencePixels):
			errs["file"], status = "evidence.err.pixels", http.StatusRequestEntityTooLarge
		case err != nil:
			errs["file"], status = "evidence.err.type", http.StatusUnsupportedMediaType
		}
		e.ContentType = t
	}
	if up.Title == "" || !checkText(up.Title, 300) {
		errs["title"] = "evidence.err.title"
	}
	dated, ok := parseDate(up.Dated)
	if !ok || assess.CheckEvidenceDate(dated, year) != nil {
		errs["dated"] = "evidence.err.date"
	}
	e.Dated = dated
	if !utf8.ValidString(e.Filename) || len(e.Filename) > 255 {
		e.Filename = ""
	}
	return e, status, errs
}

// Uploads in flight at once: per user, and for this server copy.
const (
	uploadsPerUser   = 2
	uploadsPerServer = 8
)

// uploadSlots counts the uploads in flight, so that one user (or a few)
// cannot take every connection and all the memory with large files.
type uploadSlots struct {
	mu     sync.Mutex
	total  int
	byUser map[int64]int
}

// take reserves a slot for user; false when there is none.
func (u *uploadSlots) take(user int64) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.total >= uploadsPerServer || u.byUser[user] >= uploadsPerUser {
		return false
	}
	if u.byUser == nil {
		u.byUser = map[int64]int{}
	}
	u.total++
	u.byUser[user]++
	return true
}

func (u *uploadSlots) give(user int64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.total--
	if u.byUser[user]--; u.byUser[user] == 0 {
		delete(u.byUser, user)
	}
}

// takeUpload reserves an upload slot for the signed-in user, or refuses
// with 429 when they (or this copy) have none left; release gives it back.
func (s *Server) takeUpload(w http.ResponseWriter, r *http.Request) (release func(), err error) {
	user := userOf(r).ID
	if !s.uploads.take(user) {
		w.Header().Set("Retry-After", "30")
		return nil, &Error{Status: http.StatusTooManyRequests, Key: "evidence.err.busy"}
	}
	return func() { s.uploads.give(user) }, nil
}

// fileType is a file's type as people name it: "PDF", "JPG", "DOCX".
func fileType(contentType string) string {
	return strings.ToUpper(strings.TrimPrefix(assess.FileExtension(contentType), "."))
}

// uploadEvidence adds a file to a criterion.
func (s *Server) uploadEvidence(w http.ResponseWriter, r *http.Request) error {
	sc, c, err := s.loadCriterion(r, assess.Edit)
	if err != nil {
		return err
	}
	release, err := s.takeUpload(w, r)
	if err != nil {
		return err
	}
	defer release()
	up, err := parseEvidence(r)
	if err != nil {
		return err
	}
	e, status, errs := up.validate(sc.Year)
	if len(errs) > 0 {
		return s.rerenderCriterion(w, r, sc, c, status, func(p *web.CriterionPage) {
			p.Upload.Title, p.Upload.Dated, p.Form.Errors = up.Title, up.Dated, errs
		})
	}
	e.Year, e.Ward, e.Number, e.On = sc.Year, sc.Unit.Code, c.Number, s.now()
	_, err = s.store.AddEvidence(r.Context(), s.actor(r), e)
	if errors.Is(err, store.ErrQuota) {
		return s.rerenderCriterion(w, r, sc, c, http.StatusRequestEntityTooLarge, func(p *web.CriterionPage) {
			p.Upload.Title, p.Upload.Dated = up.Title, up.Dated
			p.Form.Errors = map[string]string{"file": "evidence.err.quota"}
		})
	}
	if err != nil {
		return err
	}
	s.flash(r, "flash.evidence.added", strconv.Itoa(c.Number))
	http.Redirect(w, r, sc.criterionHref(c.Number)+"#evidence", http.StatusSeeOther) // #nosec G710 -- the ward's own path, built from its code as stored, never from the request
	return nil
}

// wardEvidence reads {id}, a file of the ward's assessment of the year the
// user may change.
func (s *Server) wardEvidence(r *http.Request) (unitScope, store.Evidence, error) {
	sc, err := s.loadWard(r, assess.Edit)
	if err != nil {
		return sc, store.Evidence{}, err
	}
	id, err := strconv.ParseInt(urlParam(r, "id"), 10, 64)
	if err != nil {
		return sc, store.Evidence{}, errNotFound
	}
	e, err := s.store.EvidenceByID(r.Context(), id)
	if err != nil {
		return sc, store.Evidence{}, err
	}
	if e.Ward != sc.Unit.Code || e.Year != sc.Year {
		return sc, store.Evidence{}, errNotFound
	}
	return sc, e, nil
}

// confirmRemoveEvidence asks before a file is removed: its title, date and
// criterion, and that it stays in the history.
func (s *Server) confirmRemoveEvidence(w http.ResponseWriter, r *http.Request) error {
	sc, e, err := s.wardEvidence(r)
	if err != nil {
		return err
	}
	if e.RemovedAt != nil {
		return &Error{Status: http.StatusConflict, Key: "evidence.err.removed"}
	}
	l := langOf(r)
	heading := l.T("evidence.confirm.remove", e.Title)
	return renderHTML(w, r, http.StatusOK, web.Confirm(web.ConfirmPage{
		Page:        s.frame(r, heading, sc.Year, nil, sc.Path, nil),
		Heading:     heading,
		Details:     []string{l.T("crit.heading", e.Number), l.T("evidence.meta", l.Date(e.Dated), fileType(e.ContentType), l.Size(e.Size))},
		Consequence: l.T("evidence.confirm.remove.what"),
		ActionURL:   fmt.Sprintf("%s/evidence/%d/remove", sc.href(), e.ID),
		Button:      l.T("evidence.remove"),
		CancelHref:  sc.criterionHref(e.Number) + "#evidence",
	}))
}

// removeEvidence marks a file removed; it stays in the history.
func (s *Server) removeEvidence(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	sc, e, err := s.wardEvidence(r)
	if err != nil {
		return err
	}
	id := e.ID
	if err := s.store.RemoveEvidence(r.Context(), s.actor(r), sc.Unit.Code, sc.Year, id, s.now()); err != nil {
		return err
	}
	s.flash(r, "flash.evidence.removed")
	http.Redirect(w, r, sc.criterionHref(e.Number)+"#evidence", http.StatusSeeOther) // #nosec G710 -- the ward's own path, built from its code as stored, never from the request
	return nil
}

// downloadEvidence sends an evidence file to whoever may read its ward, as
// an attachment of its stored (sniffed) type.
func (s *Server) downloadEvidence(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, err := s.evidenceFor(r)
	if err != nil {
		return err
	}
	id := e.ID
	content, err := s.store.EvidenceContent(ctx, id)
	if err != nil {
		return err
	}
	// A download is a read of personal data: who, when, from where.
	if err := s.store.RecordRead(ctx, s.actor(r), "evidence_download", "evidence",
		fmt.Sprintf("%s/%d/%d/%d", e.Ward, e.Year, e.Number, e.ID)); err != nil {
		return err
	}
	name := fmt.Sprintf("minh-chung-%s-%d-tc%02d-%d%s", e.Ward, e.Year, e.Number, e.ID, assess.FileExtension(e.ContentType))
	h := w.Header()
	h.Set("Content-Type", e.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Content-Length", strconv.Itoa(len(content)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	_, err = w.Write(content)
	return err
}

// evidenceFor reads {id} and checks that the signed-in user may read the
// ward's file it belongs to.
func (s *Server) evidenceFor(r *http.Request) (store.Evidence, error) {
	id, err := strconv.ParseInt(urlParam(r, "id"), 10, 64)
	if err != nil {
		return store.Evidence{}, errNotFound
	}
	e, err := s.store.EvidenceByID(r.Context(), id)
	if err != nil {
		return store.Evidence{}, err
	}
	path, err := s.store.UnitPathByID(r.Context(), e.Year, e.WardID)
	if err != nil {
		return store.Evidence{}, err
	}
	return e, s.authorizeRead(r, path)
}

// evidencePicture serves evidence's thumbnail, or its larger view, under
// the file's own access rule; an icon when it has no picture, or none yet.
// A page never draws one: the preview worker does, outside any request.
func (s *Server) evidencePicture(large bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		e, err := s.evidenceFor(r)
		if err != nil {
			return err
		}
		p, _, err := s.store.EvidencePreviewOf(r.Context(), e.ID)
		if err != nil {
			return err
		}
		data, typ := p.Thumb, p.ThumbType
		if large {
			data, typ = p.Large, p.LargeType
		}
		if p.Failed || len(data) == 0 {
			data, typ = fileIcon, "image/png"
		}
		h := w.Header()
		h.Set("Content-Type", typ)
		h.Set("Content-Length", strconv.Itoa(len(data)))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "private, no-store")
		_, err = w.Write(data)
		return err
	}
}

// fileIcon stands in for a file without a picture: a plain sheet.
var fileIcon = func() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 120, 160))
	for y := range 160 {
		for x := range 120 {
			c := color.RGBA{0xf2, 0xf2, 0xf2, 0xff}
			if x < 2 || y < 2 || x > 117 || y > 157 || (y > 30 && y%16 == 0 && x > 16 && x < 104) {
				c = color.RGBA{0x99, 0x99, 0x99, 0xff}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img) // an in-memory image always encodes
	return b.Bytes()
}()
