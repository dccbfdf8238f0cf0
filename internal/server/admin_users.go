package server

import (
	"crypto/rand"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

func requireAdmin(r *http.Request) error {
	u := userOf(r)
	return authorize(r, assess.Administer, []store.Unit{{ID: u.UnitID, Code: u.UnitCode}})
}

// adminOnly lets only administrators reach the routes it guards (all of
// /admin, in routes.go): the handlers below it check nothing more.
func (s *Server) adminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := requireAdmin(r); err != nil {
			s.page(func(http.ResponseWriter, *http.Request) error { return err })(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// newPassword makes a first or reset password: 14 characters of base32,
// 70 random bits.
func newPassword() string { return rand.Text()[:14] }

const (
	flashKey = "flash"
	flashArg = "flash_arg"
)

// adminUsers lists users with filters, and the form to add one.
func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) error {
	p := web.AdminUsersPage{Form: web.NewUserForm{Role: string(assess.WardOfficer)}}
	p.Flash, p.FlashArgs = s.popFlash(r)
	return s.renderAdminUsers(w, r, http.StatusOK, p)
}

func (s *Server) renderAdminUsers(w http.ResponseWriter, r *http.Request, status int, p web.AdminUsersPage) error {
	q := r.URL.Query()
	p.Filter = web.UserFilter{Role: q.Get("role"), Unit: strings.TrimSpace(q.Get("unit")), Query: strings.TrimSpace(q.Get("q")), Active: q.Get("active")}
	f := store.UserFilter{Role: assess.Role(p.Filter.Role), Unit: p.Filter.Unit, Query: p.Filter.Query}
	if !f.Role.Valid() {
		f.Role, p.Filter.Role = "", ""
	}
	switch p.Filter.Active {
	case "true", "false":
		active := p.Filter.Active == "true"
		f.Active = &active
	default:
		p.Filter.Active = ""
	}
	users, err := s.store.Users(r.Context(), f)
	if err != nil {
		return err
	}
	locked, err := s.store.LockedAccounts(r.Context(), s.now(), signInLimits)
	if err != nil {
		return err
	}
	l := langOf(r)
	for _, u := range users {
		row := web.UserRow{Username: u.Username, FullName: u.FullName, Role: string(u.Role),
			UnitCode: u.UnitCode, UnitName: u.UnitName, Active: u.Active, CreatedAt: u.CreatedAt, HasFactor: u.HasFactor}
		if until, ok := locked[u.Username]; ok {
			row.LockedUntil = l.DateTime(until)
		}
		p.Users = append(p.Users, row)
	}
	for _, role := range assess.Roles {
		p.Roles = append(p.Roles, string(role))
	}
	p.Page = s.frame(r, l.T("admin.users"), 0, nil, nil, nil)
	p.Self = userOf(r).Username
	return renderHTML(w, r, status, web.AdminUsers(p))
}

// newUserInput is the add-user form as typed.
type newUserInput struct {
	Username, FullName, Role, Unit, Email string
}

func parseNewUser(r *http.Request) (newUserInput, error) {
	if err := parseForm(r); err != nil {
		return newUserInput{}, err
	}
	f := r.PostForm
	return newUserInput{
		Username: strings.TrimSpace(f.Get("username")),
		FullName: strings.TrimSpace(f.Get("full_name")),
		Role:     f.Get("role"),
		Unit:     strings.TrimSpace(f.Get("unit")),
		Email:    strings.TrimSpace(f.Get("email")),
	}, nil
}

// validate returns what is wrong, by field, as message keys.
func (in newUserInput) validate() map[string]string {
	errs := map[string]string{}
	if assess.CheckUsername(in.Username) != nil {
		errs["username"] = "admin.err.username"
	}
	if in.FullName == "" || !checkText(in.FullName, 200) || strings.ContainsFunc(in.FullName, func(r rune) bool { return r < ' ' }) {
		errs["full_name"] = "admin.err.fullname"
	}
	if !assess.Role(in.Role).Valid() {
		errs["role"] = "admin.err.role"
	}
	if in.Unit == "" || len(in.Unit) > 16 {
		errs["unit"] = "admin.err.unit"
	}
	if in.Email != "" && assess.CheckEmail(in.Email) != nil {
		errs["email"] = "me.err.email"
	}
	return errs
}

func (s *Server) adminCreateUser(w http.ResponseWriter, r *http.Request) error {
	in, err := parseNewUser(r)
	if err != nil {
		return err
	}
	form := web.NewUserForm{Username: in.Username, FullName: in.FullName, Role: in.Role, Unit: in.Unit, Email: in.Email, Errors: in.validate()}
	if len(form.Errors) > 0 {
		return s.renderAdminUsers(w, r, http.StatusBadRequest, web.AdminUsersPage{Form: form})
	}
	password := newPassword()
	hash, err := assess.HashPassword(password)
	if err != nil {
		return err
	}
	_, err = s.store.CreateUser(r.Context(), s.actor(r), store.NewUser{
		Username: in.Username, FullName: in.FullName, Role: in.Role, UnitCode: in.Unit, On: s.now(), PasswordHash: hash, Email: in.Email})
	switch {
	case errors.Is(err, store.ErrNotFound):
		form.Errors["unit"] = "admin.err.unit"
	case errors.Is(err, store.ErrRoleUnit):
		form.Errors["role"] = "admin.err.unitrole"
	case errors.Is(err, store.ErrExists):
		form.Errors["username"] = "admin.err.exists"
	case err != nil:
		return err
	}
	if len(form.Errors) > 0 {
		return s.renderAdminUsers(w, r, http.StatusBadRequest, web.AdminUsersPage{Form: form})
	}
	// The first password is shown once, on this response, and kept nowhere.
	return s.renderAdminUsers(w, r, http.StatusOK, web.AdminUsersPage{
		Form:  web.NewUserForm{Role: string(assess.WardOfficer)},
		Flash: "admin.flash.created", FlashArgs: []any{in.Username},
		Secret: password, SecretFor: in.Username,
	})
}

func (s *Server) adminSetActive(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	username := urlParam(r, "username")
	var active bool
	switch r.PostForm.Get("active") {
	case "true":
		active = true
	case "false":
		if username == userOf(r).Username {
			return &Error{Status: http.StatusBadRequest, Key: "admin.err.self"}
		}
	default:
		return &Error{Status: http.StatusBadRequest, Key: "err.form"}
	}
	if err := s.store.SetActive(r.Context(), s.actor(r), username, active); err != nil {
		return err
	}
	flash := "admin.flash.disabled"
	if active {
		flash = "admin.flash.enabled"
	}
	s.flash(r, flash, username)
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

func (s *Server) adminResetPassword(w http.ResponseWriter, r *http.Request) error {
	// The form has no field, but a body that cannot be read is refused
	// like any other.
	if err := parseForm(r); err != nil {
		return err
	}
	username := urlParam(r, "username")
	password := newPassword()
	hash, err := assess.HashPassword(password)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(r.Context(), s.actor(r), username, hash, ""); err != nil {
		return err
	}
	return s.renderAdminUsers(w, r, http.StatusOK, web.AdminUsersPage{
		Form:   web.NewUserForm{Role: string(assess.WardOfficer)},
		Secret: password, SecretFor: username,
	})
}

// adminEndSessions ends every session of a user, on every device.
func (s *Server) adminEndSessions(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	username := urlParam(r, "username")
	n, err := s.store.EndUserSessions(r.Context(), s.actor(r), username, 0)
	if err != nil {
		return err
	}
	s.flash(r, "admin.flash.sessions", username, strconv.FormatInt(n, 10))
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

// adminUnlock lets a user locked by failed sign-ins try again at once.
func (s *Server) adminUnlock(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	username := urlParam(r, "username")
	if _, err := s.store.UserByUsername(r.Context(), username); err != nil {
		return err
	}
	if err := s.store.UnlockAccount(r.Context(), s.actor(r), username, s.now()); err != nil {
		return err
	}
	s.flash(r, "admin.flash.unlocked", username)
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

// adminResetFactor removes a user's second factor (a lost phone): they set
// up a new one at their next sign-in.
func (s *Server) adminResetFactor(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	username := urlParam(r, "username")
	if err := s.store.ResetFactor(r.Context(), s.actor(r), username, ""); err != nil {
		return err
	}
	s.flash(r, "admin.flash.factor", username)
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}
