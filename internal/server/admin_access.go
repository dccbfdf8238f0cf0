package server

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"time"

	"modelward/internal/assess"
	"modelward/internal/export"
	"modelward/internal/store"
	"modelward/web"
)

// The access review lists every account with what the six-monthly review
// of TCVN 14423:2026 asks of it: role, unit, state, last sign-in, second
// factor, whose password. Admins export it and record that they reviewed.

// factorState is the message key of a user's second factor in the review.
func (s *Server) factorState(u store.User) string {
	switch {
	case u.HasFactor:
		return "access.factor.on"
	case s.mustUseFactor(u.Role):
		return "access.factor.missing"
	}
	return "access.factor.off"
}

func (s *Server) adminAccess(w http.ResponseWriter, r *http.Request) error {
	users, err := s.store.Users(r.Context(), store.UserFilter{})
	if err != nil {
		return err
	}
	l := langOf(r)
	p := web.AccessPage{Page: s.frame(r, l.T("access.title"), 0, nil, nil, nil), CSVHref: "/admin/access.csv"}
	p.Flash, _ = s.popFlash(r)
	last, ok, err := s.store.LastAccessReview(r.Context())
	if err != nil {
		return err
	}
	if ok {
		p.LastReview = &web.AccessReview{At: last.At, By: last.By, Accounts: last.Accounts}
	}
	for _, u := range users {
		row := web.AccessRow{Username: u.Username, FullName: u.FullName, Role: l.T("role." + string(u.Role)),
			Unit: u.UnitCode + " " + u.UnitName, Active: u.Active, CreatedAt: u.CreatedAt, LastSignIn: u.LastSignIn,
			Factor: s.factorState(u), AdminPassword: u.MustChangePassword, DisableOn: u.LastUse.Add(assess.UnusedAccountLimit)}
		if !u.Active {
			p.Disabled++
		} else {
			p.Active++
			if row.Factor == "access.factor.missing" {
				p.MissingFactor++
			}
			if u.MustChangePassword {
				p.AdminPasswords++
			}
		}
		p.Rows = append(p.Rows, row)
	}
	return renderHTML(w, r, http.StatusOK, web.Access(p))
}

// adminAccessCSV is the review as a spreadsheet, for the review's record.
func (s *Server) adminAccessCSV(w http.ResponseWriter, r *http.Request) error {
	users, err := s.store.Users(r.Context(), store.UserFilter{})
	if err != nil {
		return err
	}
	if err := s.store.RecordRead(r.Context(), s.actor(r), "export", "users", "access_review"); err != nil {
		return err
	}
	name := fmt.Sprintf("ra-soat-tai-khoan-%s.csv", s.now().In(web.HoChiMinh).Format("2006-01-02"))
	return s.sendFile(w, r, "text/csv; charset=utf-8", name, func(out io.Writer) error {
		if _, err := io.WriteString(out, "\uFEFF"); err != nil {
			return err
		}
		cw := csv.NewWriter(out)
		if err := cw.Write([]string{"username", "full_name", "role", "unit_code", "unit", "active", "created_at", "last_sign_in_at",
			"disable_on", "factor", "password"}); err != nil {
			return err
		}
		for _, u := range users {
			last, disableOn := "", ""
			if u.LastSignIn != nil {
				last = u.LastSignIn.UTC().Format(time.RFC3339)
			}
			if u.Active {
				disableOn = u.LastUse.Add(assess.UnusedAccountLimit).UTC().Format(time.RFC3339)
			}
			factor := map[string]string{"access.factor.on": "on", "access.factor.missing": "required_missing", "access.factor.off": "off"}[s.factorState(u)]
			password := "own"
			if u.MustChangePassword {
				password = "set_by_admin"
			}
			err := cw.Write([]string{u.Username, export.TextCell(u.FullName), string(u.Role), u.UnitCode, export.TextCell(u.UnitName), fmt.Sprint(u.Active),
				u.CreatedAt.UTC().Format(time.RFC3339), last, disableOn, factor, password})
			if err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// adminRecordAccessReview records that the admin reviewed the accounts.
func (s *Server) adminRecordAccessReview(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	users, err := s.store.Users(r.Context(), store.UserFilter{})
	if err != nil {
		return err
	}
	if err := s.store.RecordAccessReview(r.Context(), s.actor(r), len(users)); err != nil {
		return err
	}
	s.flash(r, "access.flash.recorded")
	http.Redirect(w, r, "/admin/access", http.StatusSeeOther)
	return nil
}
