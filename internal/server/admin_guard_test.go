package server_test

import (
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every route under /admin, as routes.go lists them, refuses a reviewer
// and an officer with 403 and changes nothing: one guard holds them all.
func TestEveryAdminRouteIsGuarded(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := regexp.MustCompile(`r\.(Get|Post)\("(/admin[^"]*)"`).FindAllStringSubmatch(string(src), -1)
	if len(routes) < 30 {
		t.Fatalf("found %d admin routes in routes.go", len(routes))
	}
	srv, dbURL := newPortalDemo(t)
	fill := strings.NewReplacer("{year}", "2026", "{n}", "1", "{id}", "1", "{username}", "phula")
	before := dbState(t, dbURL)
	for _, who := range []string{"hanoi", "phula"} {
		c := signIn(t, srv, who)
		for _, m := range routes {
			u := srv.URL + fill.Replace(m[2])
			var r response
			if m[1] == "Get" {
				r = get(t, c, u)
			} else {
				r = post(t, c, u, url.Values{"reason": {"x"}, "code": {"00004"}})
			}
			if r.status != http.StatusForbidden {
				t.Errorf("%s %s %s = %d, want 403", who, strings.ToUpper(m[1]), m[2], r.status)
			}
		}
	}
	if dbState(t, dbURL) != before {
		t.Error("a refused admin request changed the database")
	}
}
