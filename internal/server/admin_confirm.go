package server

import (
	"fmt"
	"net/http"
	"strconv"

	"modelward/web"
)

// The destructive acts of the admin pages ask first, each on a page of its
// own: the list links here, and the page's form does the act.

func (s *Server) adminConfirmDisable(w http.ResponseWriter, r *http.Request) error {
	u, err := s.store.UserByUsername(r.Context(), urlParam(r, "username"))
	if err != nil {
		return err
	}
	if u.ID == userOf(r).ID {
		return &Error{Status: http.StatusConflict, Key: "admin.err.self"}
	}
	l := langOf(r)
	return renderHTML(w, r, http.StatusOK, web.Confirm(web.ConfirmPage{
		Page:        s.frame(r, l.T("confirm.disable", u.Username), 0, nil, nil, nil),
		Heading:     l.T("confirm.disable", u.Username),
		Details:     userDetails(l, u.FullName, string(u.Role), u.UnitCode, u.UnitName),
		Consequence: l.T("confirm.disable.what"),
		ActionURL:   "/admin/users/" + u.Username + "/active",
		Hidden:      []web.Field{{Name: "active", Value: "false"}},
		Button:      l.T("admin.disable"),
		CancelHref:  "/admin/users",
	}))
}

func (s *Server) adminConfirmReset(w http.ResponseWriter, r *http.Request) error {
	u, err := s.store.UserByUsername(r.Context(), urlParam(r, "username"))
	if err != nil {
		return err
	}
	l := langOf(r)
	return renderHTML(w, r, http.StatusOK, web.Confirm(web.ConfirmPage{
		Page:        s.frame(r, l.T("confirm.reset", u.Username), 0, nil, nil, nil),
		Heading:     l.T("confirm.reset", u.Username),
		Details:     userDetails(l, u.FullName, string(u.Role), u.UnitCode, u.UnitName),
		Consequence: l.T("confirm.reset.what"),
		ActionURL:   "/admin/users/" + u.Username + "/password",
		Button:      l.T("admin.resetpw"),
		CancelHref:  "/admin/users",
	}))
}

func userDetails(l web.Lang, name, role, unitCode, unitName string) []string {
	return []string{name, l.T("role." + role), unitCode + " " + unitName}
}

func (s *Server) adminConfirmRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(urlParam(r, "id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	tokens, err := s.store.Tokens(r.Context())
	if err != nil {
		return err
	}
	for _, t := range tokens {
		if t.ID != id || t.RevokedAt != nil {
			continue
		}
		l := langOf(r)
		return renderHTML(w, r, http.StatusOK, web.Confirm(web.ConfirmPage{
			Page:        s.frame(r, l.T("confirm.revoke", t.Name), 0, nil, nil, nil),
			Heading:     l.T("confirm.revoke", t.Name),
			Details:     []string{l.T("confirm.revoke.for", t.Username)},
			Consequence: l.T("confirm.revoke.what"),
			ActionURL:   fmt.Sprintf("/admin/tokens/%d/revoke", t.ID),
			Button:      l.T("tokens.revoke"),
			CancelHref:  "/admin/tokens",
		}))
	}
	return errNotFound
}

func (s *Server) adminConfirmRemoveCriterion(w http.ResponseWriter, r *http.Request) error {
	info, err := s.catalogueYear(r)
	if err != nil {
		return err
	}
	cat, err := s.store.Catalogue(r.Context(), info.Year)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(urlParam(r, "n"))
	if err != nil {
		return errNotFound
	}
	l := langOf(r)
	for _, c := range cat.Criteria {
		if c.Number != n {
			continue
		}
		base := fmt.Sprintf("/admin/catalogues/%d", info.Year)
		return renderHTML(w, r, http.StatusOK, web.Confirm(web.ConfirmPage{
			Page:        s.frame(r, l.T("confirm.remove", n, info.Year), 0, nil, nil, nil),
			Heading:     l.T("confirm.remove", n, info.Year),
			Details:     []string{pick(l, c.TitleVI, c.TitleEN)},
			Consequence: l.T("confirm.remove.what"),
			ActionURL:   fmt.Sprintf("%s/criteria/%d/remove", base, n),
			Revision:    info.Locked,
			Button:      l.T("cat.remove"),
			CancelHref:  base,
		}))
	}
	return errNotFound
}

func (s *Server) adminConfirmResetFactor(w http.ResponseWriter, r *http.Request) error {
	u, err := s.store.UserByUsername(r.Context(), urlParam(r, "username"))
	if err != nil {
		return err
	}
	if !u.HasFactor {
		return &Error{Status: http.StatusConflict, Key: "admin.err.nofactor"}
	}
	l := langOf(r)
	return renderHTML(w, r, http.StatusOK, web.Confirm(web.ConfirmPage{
		Page:        s.frame(r, l.T("confirm.factor", u.Username), 0, nil, nil, nil),
		Heading:     l.T("confirm.factor", u.Username),
		Details:     userDetails(l, u.FullName, string(u.Role), u.UnitCode, u.UnitName),
		Consequence: l.T("confirm.factor.what"),
		ActionURL:   "/admin/users/" + u.Username + "/factor",
		Button:      l.T("admin.resetfactor"),
		CancelHref:  "/admin/users",
	}))
}
