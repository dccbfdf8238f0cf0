package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
)

// apiAuth lets a request without a session act for the user of its bearer
// token; with neither, it is refused with 401.
func (s *Server) apiAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if userOf(r).ID == 0 {
			token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || token == "" {
				w.Header().Set("WWW-Authenticate", `Bearer realm="modelward"`)
				s.api(func(http.ResponseWriter, *http.Request) error {
					return &Error{Status: http.StatusUnauthorized, Key: "err.signin"}
				})(w, r)
				return
			}
			u, err := s.store.UserByToken(r.Context(), strings.TrimSpace(token), s.now())
			if errors.Is(err, store.ErrNotFound) || err == nil && !u.Active {
				w.Header().Set("WWW-Authenticate", `Bearer realm="modelward", error="invalid_token"`)
				s.api(func(http.ResponseWriter, *http.Request) error {
					return &Error{Status: http.StatusUnauthorized, Key: "err.token"}
				})(w, r)
				return
			}
			if err != nil {
				s.api(func(http.ResponseWriter, *http.Request) error { return err })(w, r)
				return
			}
			r = r.WithContext(withUser(r.Context(), u))
		}
		next.ServeHTTP(w, r)
	})
}

// api turns a handlerFunc into an http.HandlerFunc whose errors are JSON:
// {"status": 403, "error": "…"} in the user's language.
func (s *Server) api(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		status, key := s.classifyAndLog(r, err)
		writeJSON(w, status, map[string]any{"status": status, "error": langOf(r).T(key)})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"status":500,"error":"encoding failed"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// apiSummary is the yearly summary as JSON: one object per ward, with the
// CSV's fields (numbers as numbers).
func (s *Server) apiSummary(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sc, err := s.loadUnit(r, assess.Export)
	if err != nil {
		return err
	}
	year, cat, unit := sc.Year, sc.Catalogue, sc.Unit
	head, err := json.Marshal(map[string]any{
		"year": year, "unit": map[string]string{"code": unit.Code, "name": unit.Name, "kind": unit.Kind},
		"criteria": len(cat.Criteria),
	})
	if err != nil {
		return err
	}
	// Streamed one ward at a time: {"year":…,"unit":…,"criteria":…,"wards":[…]}.
	return s.sendFile(w, r, "application/json; charset=utf-8", "", func(out io.Writer) error {
		if _, err := out.Write(append(head[:len(head)-1], []byte(`,"wards":[`)...)); err != nil {
			return err
		}
		first := true
		err := s.store.EachWardStanding(ctx, year, unit.Code, func(ws store.WardStanding) error {
			state := string(ws.State)
			if state == "" {
				state = string(assess.NotStarted)
			}
			o := map[string]any{
				"province_code": ws.ProvinceCode, "province": ws.Province,
				"district_code": ws.DistrictCode, "district": ws.District,
				"ward_code": ws.Code, "ward": ws.Name, "status": state,
				"met": ws.Standing.Met, "total": ws.Standing.Total, "pending_year_end": ws.Standing.PendingYearEnd,
				"level": ws.Level, "decision_no": ws.DecisionNo, "decision_date": "",
				"claimed_met": ws.Claimed, "appraised_met": ws.Appraised, "inspected_met": ws.Inspected, "inspection": ws.Inspection,
			}
			if ws.DecisionDate != nil {
				o["decision_date"] = ws.DecisionDate.Format(time.DateOnly)
			}
			for i, c := range cat.Criteria {
				o[fmt.Sprintf("c%02d", c.Number)] = string(ws.Statuses[i])
			}
			b, err := json.Marshal(o)
			if err != nil {
				return err
			}
			if !first {
				b = append([]byte{','}, b...)
			}
			first = false
			_, err = out.Write(b)
			return err
		})
		if err != nil {
			return err
		}
		_, err = io.WriteString(out, "]}\n")
		return err
	})
}
