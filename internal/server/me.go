package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// me is the user's own page: who they are, and the form to change their
// password. Small on purpose, it is also the benchmark's baseline for a
// signed-in page.
func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	p, err := s.mePage(r)
	if err != nil {
		return err
	}
	p.Flash, p.FlashArgs = s.popFlash(r)
	return renderHTML(w, r, http.StatusOK, web.Me(p))
}

// mePage is the user's own page with their open sessions.
func (s *Server) mePage(r *http.Request) (web.MePage, error) {
	u := userOf(r)
	p := web.MePage{Page: s.frame(r, langOf(r).T("me.title"), 0, nil, nil, nil),
		Factor:      web.MeFactor{On: u.HasFactor, Required: s.mustUseFactor(u.Role)},
		MinPassword: assess.MinPassword(s.withFactor(u)), MustChange: u.MustChangePassword,
		Email: u.Email, EmailPending: u.EmailPending, MailOff: u.MailOff}
	if u.HasFactor {
		n, err := s.store.RecoveryCodesLeft(r.Context(), u.ID)
		if err != nil {
			return p, err
		}
		p.Factor.RecoveryLeft = n
	}
	sessions, err := s.store.UserSessions(r.Context(), userOf(r).ID, s.sessions.Token(r.Context()))
	if err != nil {
		return p, err
	}
	for _, us := range sessions {
		p.Sessions = append(p.Sessions, web.SessionRow{ID: us.ID, CreatedAt: us.CreatedAt, LastSeen: us.LastSeen,
			Address: us.Address, Device: deviceName(us.Device), Current: us.Current,
			EndURL: fmt.Sprintf("/me/sessions/%d/end", us.ID)})
	}
	return p, nil
}

// deviceName names a browser from its User-Agent, briefly: "Chrome trên
// Android" says more to a person than the whole string.
func deviceName(ua string) string {
	browser, system := "", ""
	for _, b := range []struct{ token, name string }{{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"CocCoc", "Cốc Cốc"}, {"Firefox/", "Firefox"},
		{"Chrome/", "Chrome"}, {"Safari/", "Safari"}} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	for _, o := range []struct{ token, name string }{{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"},
		{"Windows", "Windows"}, {"Mac OS X", "macOS"}, {"Linux", "Linux"}} {
		if strings.Contains(ua, o.token) {
			system = o.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " · " + system
	case browser != "" || system != "":
		return browser + system
	case len(ua) > 60:
		return ua[:60] + "…"
	}
	return ua
}

// endMySession ends one of the user's own sessions ({id}), or all the
// others than this one ({id} = "others").
func (s *Server) endMySession(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	u := userOf(r)
	var err error
	if urlParam(r, "id") == "others" {
		err = s.store.EndOtherSessions(r.Context(), s.actor(r), u.ID, s.sessions.Token(r.Context()))
	} else {
		id, perr := strconv.ParseInt(urlParam(r, "id"), 10, 64)
		if perr != nil || id <= 0 {
			return errNotFound
		}
		_, err = s.store.EndUserSessions(r.Context(), s.actor(r), u.Username, id)
	}
	if err != nil {
		return err
	}
	if urlParam(r, "id") == "others" {
		s.flash(r, "me.flash.ended.others")
	} else {
		s.flash(r, "me.flash.ended")
	}
	http.Redirect(w, r, "/me#sessions", http.StatusSeeOther)
	return nil
}

// refuseOnMe answers a refused form of /me with the page, its errors by
// field, and the address typed in the mail form.
func (s *Server) refuseOnMe(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, emailTyped string) error {
	p, err := s.mePage(r)
	if err != nil {
		return err
	}
	p.Errors, p.EmailTyped = errs, emailTyped
	return renderHTML(w, r, status, web.Me(p))
}

// passwordInput is the change-password form as typed.
type passwordInput struct {
	Current, New, Again string
}

func parsePasswordChange(r *http.Request) (passwordInput, error) {
	if err := parseForm(r); err != nil {
		return passwordInput{}, err
	}
	f := r.PostForm
	return passwordInput{Current: f.Get("current_password"), New: f.Get("new_password"), Again: f.Get("new_password_again")}, nil
}

// validate checks the new password against the rules for u, by field;
// the current one is checked against the stored hash by the handler.
func (in passwordInput) validate(u store.User, withFactor bool) map[string]string {
	errs := map[string]string{}
	if in.Current == "" {
		errs["current_password"] = "me.err.current"
	}
	var pe *assess.PasswordError
	switch err := assess.CheckPassword(in.New, withFactor, u.Username, u.FullName, u.UnitName); {
	case in.New == in.Current && in.New != "":
		errs["new_password"] = "me.err.same"
	case errors.As(err, &pe) && pe.Common:
		errs["new_password"] = "me.err.common"
	case errors.As(err, &pe) && pe.Min > 0:
		errs["new_password"] = fmt.Sprintf("me.err.short%d", pe.Min)
	case err != nil:
		errs["new_password"] = "me.err.long"
	case in.New != in.Again:
		errs["new_password_again"] = "me.err.again"
	}
	return errs
}

// withFactor says whether u signs in with a second factor, or will at the
// next sign-in: their password may then be shorter.
func (s *Server) withFactor(u store.User) bool { return u.HasFactor || s.mustUseFactor(u.Role) }

// changePassword lets a user change their own password: the current one,
// then the new one twice. A wrong current password counts as a failed
// sign-in, so that a session left open cannot be used to guess it.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	in, err := parsePasswordChange(r)
	if err != nil {
		return err
	}
	u := userOf(r)
	errs := in.validate(u, s.withFactor(u))
	if len(errs) > 0 {
		return s.refuseOnMe(w, r, http.StatusBadRequest, errs, "")
	}
	errs, status, err := s.confirmIdentity(w, r, "current", reauthInput{Password: in.Current}, false)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return s.refuseOnMe(w, r, status, errs, "")
	}
	hash, err := assess.HashPassword(in.New)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(ctx, s.actor(r), u.Username, hash, s.sessions.Token(ctx)); err != nil {
		return err
	}
	s.flash(r, "me.flash.password")
	http.Redirect(w, r, "/me", http.StatusSeeOther)
	return nil
}
