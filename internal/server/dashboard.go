package server

import (
	"fmt"
	"net/http"
	"sort"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// dashboard shows the standing of every ward in a unit's subtree.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	year, err := parseYear(r)
	if err != nil {
		return err
	}
	cat, err := s.store.Catalogue(ctx, year)
	if err != nil {
		return err
	}
	path, err := s.store.UnitPath(ctx, urlParam(r, "code"))
	if err != nil {
		return err
	}
	if err := authorize(r, assess.Read, path); err != nil {
		return err
	}
	unit := path[len(path)-1]
	if unit.Kind == "ward" {
		http.Redirect(w, r, unitHref(year, unit), http.StatusSeeOther)
		return nil
	}
	years, err := s.store.Years(ctx)
	if err != nil {
		return err
	}
	wards, err := s.store.WardStandings(ctx, year, unit.Code)
	if err != nil {
		return err
	}
	var children []store.Unit
	if unit.Kind == "ministry" || unit.Kind == "province" {
		if children, err = s.store.Children(ctx, year, unit.Code); err != nil {
			return err
		}
	}

	l := langOf(r)
	d := web.DashboardPage{
		Page: s.frame(r, unit.Name, year, years, path, func(y int) string {
			return fmt.Sprintf("/%d/units/%s", y, unit.Code)
		}),
		UnitName: unit.Name,
		UnitKind: unit.Kind,
		Total:    len(cat.Criteria),
		CSVHref:  fmt.Sprintf("/%d/units/%s/summary.csv", year, unit.Code),
	}
	t := tally(wards)
	d.Wards, d.Full, d.Submitted, d.Approved, d.Recognized = t.Wards, t.Full, t.Submitted, t.Approved, t.Recognized
	d.Distribution = distribution(wards, len(cat.Criteria))
	d.ChildKind, d.Children = childRows(l, year, unit, children, wards)

	d.Sort = r.URL.Query().Get("sort")
	switch d.Sort {
	case "standing.desc", "standing.asc":
	default:
		d.Sort = "code"
	}
	d.SortHrefs = map[string]string{}
	for _, k := range []string{"code", "standing.desc", "standing.asc"} {
		d.SortHrefs[k] = fmt.Sprintf("/%d/units/%s?sort=%s#wards", year, unit.Code, k)
	}
	sortWards(wards, d.Sort)
	for _, ws := range wards {
		d.WardRows = append(d.WardRows, web.WardRow{
			Code: ws.Code, Name: ws.Name, District: ws.District,
			Href:  fmt.Sprintf("/%d/wards/%s", year, ws.Code),
			State: ws.State, Standing: ws.Standing,
		})
	}
	return renderHTML(w, r, http.StatusOK, web.Dashboard(d))
}

// counts are the figures a dashboard leads with. They count along the
// workflow: an approved assessment has also been submitted.
type counts struct {
	Wards, Full, Submitted, Approved, Recognized int
}

func (c *counts) add(w store.WardStanding) {
	c.Wards++
	if w.Standing.Full() {
		c.Full++
	}
	switch w.State {
	case assess.Recognized:
		c.Recognized++
		c.Approved++
		c.Submitted++
	case assess.Approved:
		c.Approved++
		c.Submitted++
	case assess.Submitted:
		c.Submitted++
	}
}

func tally(wards []store.WardStanding) counts {
	var c counts
	for _, w := range wards {
		c.add(w)
	}
	return c
}

// distribution counts wards at each standing, from the lowest standing
// present up to full, so that gaps show.
func distribution(wards []store.WardStanding, total int) []web.StandingBar {
	if len(wards) == 0 {
		return nil
	}
	low := total
	byMet := map[int]int{}
	for _, w := range wards {
		byMet[w.Standing.Met]++
		low = min(low, w.Standing.Met)
	}
	var bars []web.StandingBar
	for met := low; met <= total; met++ {
		bars = append(bars, web.StandingBar{Met: met, Wards: byMet[met]})
	}
	return bars
}

// childRows sums the wards by the unit's children: provinces under the
// Ministry, districts under a province, with wards directly under a
// province in a row of their own.
func childRows(l web.Lang, year int, unit store.Unit, children []store.Unit, wards []store.WardStanding) (string, []web.ChildRow) {
	var kind string
	key := func(w store.WardStanding) string { return w.ProvinceCode }
	switch unit.Kind {
	case "ministry":
		kind = "province"
	case "province":
		kind = "district"
		key = func(w store.WardStanding) string { return w.DistrictCode }
	default:
		return "", nil
	}
	byChild := map[string]*counts{}
	for _, w := range wards {
		k := key(w)
		if byChild[k] == nil {
			byChild[k] = &counts{}
		}
		byChild[k].add(w)
	}
	var rows []web.ChildRow
	row := func(code, name, href string) web.ChildRow {
		c := byChild[code]
		if c == nil {
			c = &counts{}
		}
		return web.ChildRow{Code: code, Name: name, Href: href, Wards: c.Wards, Full: c.Full,
			Submitted: c.Submitted, Approved: c.Approved, Recognized: c.Recognized}
	}
	for _, c := range children {
		if c.Kind == kind {
			rows = append(rows, row(c.Code, c.Name, unitHref(year, c)))
		}
	}
	if kind == "district" && byChild[""] != nil {
		rows = append(rows, row("", l.T("children.direct"), ""))
	}
	return kind, rows
}

func sortWards(wards []store.WardStanding, by string) {
	switch by {
	case "standing.desc":
		sort.SliceStable(wards, func(i, j int) bool { return wards[i].Standing.Met > wards[j].Standing.Met })
	case "standing.asc":
		sort.SliceStable(wards, func(i, j int) bool { return wards[i].Standing.Met < wards[j].Standing.Met })
	}
}
