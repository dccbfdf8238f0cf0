package server_test

import (
	"net/url"
	"testing"

	"modelward/internal/seed"
)

// Neither the language switch nor the sign-in sends anyone off the site,
// whatever the browser makes of the address (it drops tabs and line
// breaks and reads a backslash as a slash).
func TestRedirectsStayOnTheSite(t *testing.T) {
	srv := newPortal(t)
	hostile := []string{"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "//evil.example", "/\\evil.example",
		"\\/evil.example", "/\\/evil.example", "https://evil.example/", "evil.example", "/\x00/evil.example",
		"\t//evil.example", " //evil.example", "///evil.example"}
	for _, next := range hostile {
		r := get(t, nil, srv.URL+"/lang?to=en&next="+url.QueryEscape(next))
		if loc := r.header.Get("Location"); loc != "/" {
			t.Errorf("/lang?next=%q goes to %q, want /", next, loc)
		}
		r = post(t, newClient(), srv.URL+"/login", url.Values{"username": {"phula"}, "password": {seed.DemoPassword}, "next": {next}})
		if loc := r.header.Get("Location"); loc != "/" {
			t.Errorf("sign-in with next=%q goes to %q, want /", next, loc)
		}
	}
	for _, next := range []string{"/2023/wards/09552", "/2023/units/01?sort=standing.desc#wards"} {
		if loc := get(t, nil, srv.URL+"/lang?to=en&next="+url.QueryEscape(next)).header.Get("Location"); loc != next {
			t.Errorf("/lang?next=%q goes to %q", next, loc)
		}
	}
}
