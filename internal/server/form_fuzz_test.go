package server

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"modelward/internal/assess"
)

// FuzzResultForm: whatever body is posted to a criterion, the form is
// either refused with a 400 or read; what validation lets through is what
// may be stored — a known status, a value in canonical form that judges
// to that status, a note of valid UTF-8 within 4,000 characters.
func FuzzResultForm(f *testing.F) {
	for _, body := range []string{
		"status=met&value=91%2C5&note=&version=3",
		"status=not_met&value=-8&note=%E1%BB%95n&version=0",
		"status=in_progress&value=&note=x&version=1",
		"status=met&value=1e9&version=1",
		"status=met&value=100+%25&version=-1",
		"status=%3Cscript%3E&value=abc&note=%00&version=x",
		"note=%FF%FE&version=2",
		"%zz=1&status=met",
		"status=met&status=not_met&value=95&value=5&version=1",
	} {
		f.Add(body, true)
		f.Add(body, false)
	}
	criteria := []assess.Criterion{
		{Number: 13, Kind: assess.Measure, Scale: assess.Share, Comparator: assess.GreaterEqual, Threshold: "90"},
		{Number: 4, Kind: assess.Measure, Scale: assess.Count, Comparator: assess.LessEqual, Threshold: "0", YearEnd: true},
		{Number: 1, Kind: assess.Check, YearEnd: true},
	}
	f.Fuzz(func(t *testing.T, body string, yearEndOpen bool) {
		r := httptest.NewRequest(http.MethodPost, "/2023/wards/09552/criteria/13", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		in, err := parseResult(r)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Status != http.StatusBadRequest {
				t.Fatalf("%q refused with %v, want a 400", body, err)
			}
			return
		}
		for _, c := range criteria {
			ch, errs := in.validate(c, yearEndOpen)
			if len(errs) > 0 {
				continue
			}
			if !ch.Status.Valid() || ch.Version < 0 {
				t.Fatalf("%q let through status %q version %d", body, ch.Status, ch.Version)
			}
			if !utf8.ValidString(ch.Note) || utf8.RuneCountInString(ch.Note) > 4000 || strings.ContainsRune(ch.Note, 0) {
				t.Fatalf("%q let through a note that cannot be stored: %q", body, ch.Note)
			}
			if c.Kind != assess.Measure {
				if ch.Value != "" {
					t.Fatalf("a check stored the value %q", ch.Value)
				}
				continue
			}
			if ch.Value == "" {
				if ch.Status.Judged() {
					t.Fatalf("%q judged %s without a value", body, ch.Status)
				}
				continue
			}
			if again, err := c.ParseValue(ch.Value); err != nil || again != ch.Value {
				t.Fatalf("%q stored value %q, not canonical (%q, %v)", body, ch.Value, again, err)
			}
			if ch.Status.Judged() {
				if st, err := c.Evaluate(ch.Value); err != nil || st != ch.Status {
					t.Fatalf("%q stored %s for %q, which judges %s", body, ch.Status, ch.Value, st)
				}
			}
		}
	})
}
