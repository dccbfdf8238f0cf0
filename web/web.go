// Package web renders the portal's pages: templ components, the view models
// they take, the message catalogues (vi, en) and the static assets.
package web

import (
	"embed"
	"fmt"
	"net/url"
	"time"
)

// Static holds the stylesheet and other assets, served under /static/.
//
//go:embed static
var Static embed.FS

// Page is what every page's frame needs: the top bar, breadcrumbs and
// footer.
type Page struct {
	Lang  Lang
	Title string
	// Path is the current path and query, where the language switch returns to.
	Path string
	// Year and Years drive the year switcher; Years is empty on pages
	// without one. YearHref gives the same page in another year.
	Year     int
	Years    []int
	YearHref func(year int) string
	Crumbs   []Crumb
	Demo     bool
	// User is the signed-in user, nil on the sign-in page.
	User *UserBar
	// PrintTitle heads every printed page: the unit and the year.
	PrintTitle string
	// PageURL is, on a page that answers a form, the address of the page
	// the form came from: the history entry becomes that address, so that
	// Back does not send the form again (static/app.js).
	PageURL string
	// Today is the day in Vietnam by the server's clock: date fields take
	// their examples and bounds from it.
	Today time.Time
}

// UserBar names the signed-in user in the top bar.
type UserBar struct {
	Username string
	Name     string
	Role     string
	Unit     string
	// Line says who is signed in, once: name, role and unit.
	Line string
	// Unread counts the user's unread notices.
	Unread int
}

// Crumb is one step of the breadcrumbs, following the unit tree; Href is
// empty for a unit the user may not open.
type Crumb struct {
	Name string
	Href string
}

// LangHref is the link that switches language and comes back here.
func (p Page) LangHref() string {
	return "/lang?to=" + string(p.Lang.Other()) + "&next=" + url.QueryEscape(p.Path)
}

func itoa(n int) string { return fmt.Sprint(n) }
