package server

import (
	"net/http"
	"strings"

	"modelward/internal/assess"
)

// A change to how a user signs in or is reached — their second factor set
// up, replaced or removed, their mail address changed — asks again for
// the current password, and a current code when the user has a factor:
// a session left open on a shared computer is not enough to take the
// account over.

// reauthInput is that proof, as typed.
type reauthInput struct{ Password, Code string }

func reauthOf(r *http.Request) reauthInput {
	return reauthInput{Password: r.PostForm.Get("current_password"), Code: strings.TrimSpace(r.PostForm.Get("current_code"))}
}

// confirmIdentity checks the proof for the signed-in user: the password,
// and the code when askCode. A wrong password or code counts as a failed
// sign-in, so that an open session cannot be used to guess either. It
// returns the errors by field, named form+"_password" and form+"_code",
// and the status to answer them with; none when the proof holds.
func (s *Server) confirmIdentity(w http.ResponseWriter, r *http.Request, form string, in reauthInput, askCode bool) (map[string]string, int, error) {
	ctx := r.Context()
	u := userOf(r)
	errs := map[string]string{}
	if in.Password == "" {
		errs[form+"_password"] = "me.err.current"
	}
	if askCode && in.Code == "" {
		errs[form+"_code"] = "factor.err.empty"
	}
	if len(errs) > 0 {
		return errs, http.StatusBadRequest, nil
	}
	addr := s.clientAddr(r)
	attempt, err := s.store.ReserveSignIn(ctx, u.Username, addr, s.now(), signInLimits)
	if until, ok := throttledUntil(err); ok {
		s.retryAfter(w, until)
		return map[string]string{form + "_password": "me.err.limited"}, http.StatusTooManyRequests, nil
	}
	if err != nil {
		return nil, 0, err
	}
	failed := func(action, field, key string) (map[string]string, int, error) {
		if _, err := s.store.SignInFailed(ctx, action, u.ID, u.Username, addr, s.now(), signInLimits); err != nil {
			return nil, 0, err
		}
		return map[string]string{form + field: key}, http.StatusBadRequest, nil
	}
	if !assess.PasswordMatches(u.PasswordHash, in.Password) {
		return failed("sign_in_failed", "_password", "me.err.wrong")
	}
	if askCode {
		ok, _, err := s.checkCode(r, u, in.Code)
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			return failed("sign_in_code_failed", "_code", "factor.err.wrong")
		}
	}
	return nil, 0, s.store.SignInSucceeded(ctx, attempt)
}
