package server

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"modelward/web"
)

// The public list of model wards needs no sign-in and shows only what the
// Minister's (or the province's) decisions made public: the ward, its
// province, the level, the decision's number and date. No drafts, no
// approvals, no figures, no names of officers, no evidence. Browsers and
// proxies may keep a page five minutes.
const publicCache = "public, max-age=300"

// publicFeedSize is how many decisions the feed carries, newest first.
const publicFeedSize = 50

// publicLatest shows the latest year with a recognised ward.
func (s *Server) publicLatest(w http.ResponseWriter, r *http.Request) error {
	years, err := s.store.RecognitionYears(r.Context())
	if err != nil {
		return err
	}
	year := s.now().In(web.HoChiMinh).Year()
	if len(years) > 0 {
		year = years[0]
	}
	return s.renderPublic(w, r, year, years)
}

func (s *Server) publicYear(w http.ResponseWriter, r *http.Request) error {
	year, err := parseYear(r)
	if err != nil {
		return err
	}
	years, err := s.store.RecognitionYears(r.Context())
	if err != nil {
		return err
	}
	return s.renderPublic(w, r, year, years)
}

func (s *Server) renderPublic(w http.ResponseWriter, r *http.Request, year int, years []int) error {
	wards, err := s.store.RecognisedWards(r.Context(), year, false, 100000)
	if err != nil {
		return err
	}
	// One page for everyone, in Vietnamese: it is cached as it is.
	l := web.VI
	frame := s.frame(r, l.T("public.title", fmt.Sprint(year)), 0, nil, nil, nil)
	frame.Lang, frame.User = l, nil
	p := web.PublicPage{Page: frame, Year: year, Years: years}
	for _, rw := range wards {
		if n := len(p.Provinces); n == 0 || p.Provinces[n-1].Code != rw.ProvinceCode {
			p.Provinces = append(p.Provinces, web.PublicProvince{Code: rw.ProvinceCode, Name: rw.Province})
		}
		pr := &p.Provinces[len(p.Provinces)-1]
		pw := web.PublicWard{Name: rw.Name, District: rw.District, Level: web.LevelWord(l, rw.Level, rw.ProvinceType),
			DecisionNo: rw.DecisionNo, DecisionDate: rw.DecisionDate}
		if rw.DecisionID != 0 {
			pw.DecisionHref = decisionHref(rw.Year, rw.DecisionID)
		}
		if rw.RevokedOn != nil {
			pw.RevokedOn = l.Date(*rw.RevokedOn)
		} else {
			p.Total++ // the model wards: those whose recognition stands
		}
		pr.Wards = append(pr.Wards, pw)
	}
	return renderCached(w, r, http.StatusOK, web.Public(p), publicCache)
}

// atomFeed is an Atom feed (RFC 4287) of the newest decisions.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Link    []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title   string     `xml:"title"`
	ID      string     `xml:"id"`
	Updated string     `xml:"updated"`
	Link    []atomLink `xml:"link"`
	Summary string     `xml:"summary"`
}

// feedAuthority names the portal in its entries' tag: URIs: BASE_URL's
// host, never the request's.
func (s *Server) feedAuthority() string {
	if u, err := url.Parse(s.base); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "modelward.invalid"
}

// publicFeed is the newest recognitions as Atom, for readers and for the
// provinces' own sites.
func (s *Server) publicFeed(w http.ResponseWriter, r *http.Request) error {
	wards, err := s.store.RecognisedWards(r.Context(), 0, true, publicFeedSize)
	if err != nil {
		return err
	}
	base := s.baseURL()
	l := web.VI
	updated := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	feed := atomFeed{Title: l.T("public.feed.title"), ID: base + "/public/feed.xml",
		Link: []atomLink{{Href: base + "/public/feed.xml", Rel: "self"}, {Href: base + "/public"}}, Author: atomAuthor{Name: l.T("public.feed.author")}}
	for _, rw := range wards {
		at := rw.RecognizedAt
		if at.IsZero() {
			at = rw.DecisionDate
		}
		if at.After(updated) {
			updated = at
		}
		href := fmt.Sprintf("%s/public/%d#p%s", base, rw.Year, rw.ProvinceCode)
		entry := atomEntry{
			Title:   l.T("public.feed.entry", rw.Name, rw.Province),
			ID:      fmt.Sprintf("tag:%s,%d:recognition/%s/%s", s.feedAuthority(), rw.Year, rw.ProvinceCode, rw.Code),
			Updated: at.UTC().Format(time.RFC3339),
			Link:    []atomLink{{Href: href}},
			Summary: l.T("public.feed.summary", rw.Name, rw.Province, web.LevelWord(l, rw.Level, rw.ProvinceType), fmt.Sprint(rw.Year), rw.DecisionNo, l.Date(rw.DecisionDate)),
		}
		// The signed decision, where the portal holds it.
		if rw.DecisionID != 0 {
			entry.Link = append(entry.Link, atomLink{Href: base + decisionHref(rw.Year, rw.DecisionID), Rel: "related"})
		}
		// A revocation is news of its own, dated its day.
		if rw.RevokedOn != nil {
			entry.Title = l.T("public.feed.revoked", rw.Name, rw.Province)
			entry.ID = fmt.Sprintf("tag:%s,%d:revocation/%s/%s/%s", s.feedAuthority(), rw.Year, rw.ProvinceCode, rw.Code, rw.DecisionNo)
			entry.Updated = rw.RevokedOn.UTC().Format(time.RFC3339)
			entry.Summary = l.T("public.feed.revoked.summary", rw.Name, fmt.Sprint(rw.Year), rw.DecisionNo, l.Date(*rw.RevokedOn))
		}
		feed.Entries = append(feed.Entries, entry)
	}
	feed.Updated = updated.UTC().Format(time.RFC3339)
	b, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", publicCache)
	_, err = w.Write(append([]byte(xml.Header), b...))
	return err
}
