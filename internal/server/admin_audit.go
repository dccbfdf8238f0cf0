package server

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"modelward/internal/export"
	"modelward/internal/store"
	"modelward/web"
)

// unitCode is an official unit's code, as the unit filter takes it.
var unitCode = regexp.MustCompile(`^[0-9]{2,5}$`)

// auditPage is how many entries the viewer shows at once.
const auditPage = 50

// auditFilterInput is the viewer's filters as given, in the query.
type auditFilterInput struct {
	Actor, Action, Key, Unit, From, To string
}

func parseAuditFilter(r *http.Request) auditFilterInput {
	q := r.URL.Query()
	return auditFilterInput{Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")),
		Key: strings.TrimSpace(q.Get("key")), Unit: strings.TrimSpace(q.Get("unit")), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
}

// validate turns the filters into the store's, with the errors by field;
// dates are days in Vietnam, "to" included.
func (in auditFilterInput) validate() (store.AuditFilter, map[string]string) {
	f := store.AuditFilter{Actor: in.Actor, Action: in.Action, Key: in.Key, Unit: in.Unit}
	errs := map[string]string{}
	for _, d := range []struct {
		field, value string
		to           **time.Time
		next         bool
	}{{"from", in.From, &f.From, false}, {"to", in.To, &f.To, true}} {
		if d.value == "" {
			continue
		}
		t, ok := parseDate(d.value)
		if !ok {
			errs[d.field] = "audit.err.date"
			continue
		}
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, web.HoChiMinh)
		if d.next {
			day = day.AddDate(0, 0, 1)
		}
		*d.to = &day
	}
	if len(in.Actor) > 64 || len(in.Action) > 64 || len(in.Key) > 100 {
		errs["key"] = "audit.err.long"
	}
	if in.Unit != "" && !unitCode.MatchString(in.Unit) {
		errs["unit"] = "audit.err.unit"
	}
	return f, errs
}

func (in auditFilterInput) query() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"actor": in.Actor, "action": in.Action, "key": in.Key, "unit": in.Unit, "from": in.From, "to": in.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// adminAudit is the admin's viewer of the audit log: filters, newest
// first, a page at a time, and the same as CSV.
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) error {
	in := parseAuditFilter(r)
	f, errs := in.validate()
	l := langOf(r)
	p := web.AuditPage{Page: s.frame(r, l.T("audit.title"), 0, nil, nil, nil),
		Filter: web.AuditFilter{Actor: in.Actor, Action: in.Action, Key: in.Key, Unit: in.Unit, From: in.From, To: in.To, Errors: errs}}
	actions, err := s.store.AuditActions(r.Context())
	if err != nil {
		return err
	}
	for _, a := range actions {
		p.Actions = append(p.Actions, auditAction(l, a))
	}
	status := http.StatusOK
	if len(errs) > 0 {
		return renderHTML(w, r, http.StatusBadRequest, web.Audit(p))
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	rows, err := s.store.AuditEntries(r.Context(), f, before, auditPage+1)
	if err != nil {
		return err
	}
	q := in.query()
	if len(rows) > auditPage {
		rows = rows[:auditPage]
		older := in.query()
		older.Set("before", strconv.FormatInt(rows[len(rows)-1].Seq, 10))
		p.OlderHref = "/admin/audit?" + older.Encode()
	}
	if before != 0 {
		p.NewestHref = "/admin/audit?" + q.Encode()
	}
	p.CSVHref = "/admin/audit.csv?" + q.Encode()
	for _, a := range rows {
		p.Rows = append(p.Rows, web.AuditRow{At: a.At, Actor: a.Actor, Role: roleWord(l, a.Role), Action: auditAction(l, a.Action),
			Entity: a.Entity, Key: a.EntityKey, Address: a.ClientAddr, Changes: auditChange(l, a.Before, a.After)})
	}
	return renderHTML(w, r, status, web.Audit(p))
}

// auditAction names an action in the reader's words; an action without
// words (a tool's own) keeps its code.
func auditAction(l web.Lang, code string) web.AuditAction {
	if l.Has("audit.action." + code) {
		return web.AuditAction{Code: code, Name: l.T("audit.action." + code)}
	}
	return web.AuditAction{Code: code, Name: code}
}

func roleWord(l web.Lang, role string) string {
	if role == "" {
		return ""
	}
	return l.T("role." + role)
}

// adminAuditCSV exports the entries the filters select, every one.
func (s *Server) adminAuditCSV(w http.ResponseWriter, r *http.Request) error {
	f, errs := parseAuditFilter(r).validate()
	if len(errs) > 0 {
		return &Error{Status: http.StatusBadRequest, Key: "audit.err.date"}
	}
	if err := s.store.RecordRead(r.Context(), s.actor(r), "export", "audit_log", r.URL.RawQuery); err != nil {
		return err
	}
	name := fmt.Sprintf("nhat-ky-%s.csv", s.now().In(web.HoChiMinh).Format("2006-01-02"))
	return s.sendFile(w, r, "text/csv; charset=utf-8", name, func(out io.Writer) error {
		if _, err := io.WriteString(out, "\uFEFF"); err != nil {
			return err
		}
		cw := csv.NewWriter(out)
		if err := cw.Write([]string{"seq", "at", "actor", "role", "action", "entity", "entity_key", "client_addr", "before", "after"}); err != nil {
			return err
		}
		err := s.store.EachAuditEntry(r.Context(), f, func(a store.AuditRow) error {
			return cw.Write([]string{strconv.FormatInt(a.Seq, 10), a.At.UTC().Format(time.RFC3339Nano), export.TextCell(a.Actor), a.Role,
				a.Action, a.Entity, export.TextCell(a.EntityKey), a.ClientAddr, export.TextCell(a.Before), export.TextCell(a.After)})
		})
		if err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	})
}
