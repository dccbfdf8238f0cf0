package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// heatMapLimit is the most wards the heat map draws; pageSize the most
// rows the ward table shows at once.
const (
	heatMapLimit = 200
	pageSize     = 200
)

// dashboard shows the standing of every ward in a unit's subtree.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sc, err := s.loadUnit(r, assess.Read)
	if err != nil {
		return err
	}
	year, cat, path, unit := sc.Year, sc.Catalogue, sc.Path, sc.Unit
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
		if children, err = s.store.Children(ctx, year, unit.ID); err != nil {
			return err
		}
	}

	l := langOf(r)
	self := fmt.Sprintf("/%d/units/%s", year, unit.Code)
	d := web.DashboardPage{
		Page: s.frame(r, unit.Name, year, years, path, func(y int) string {
			return fmt.Sprintf("/%d/units/%s", y, unit.Code)
		}),
		UnitName: unit.Name,
		UnitKind: unit.Kind,
		Total:    len(cat.Criteria),
		CSVHref:  self + "/summary.csv",
		XLSXHref: self + "/summary.xlsx",
		PDFHref:  self + "/summary.pdf",
	}
	if unit.Kind == "province" || unit.Kind == "ministry" {
		d.ShowQuota = true
		if d.Quota, err = s.store.QuotaOf(ctx, year, unit); err != nil {
			return err
		}
		for _, w := range wards {
			if w.Level == store.LevelCity {
				d.RegCity++
			} else {
				d.RegMinistry++
			}
		}
		// The city level is named by the province's type; nationally, by
		// the generic word.
		d.ProvinceType = unit.Type
		if unit.Kind == "province" && authorize(r, assess.Register, path) == nil {
			d.RegistrationsHref = registrationsHref(year, unit.Code)
		}
	}
	t := tally(wards)
	d.Wards, d.Full, d.Submitted, d.Approved, d.Recognized, d.Waiting = t.Wards, t.Full, t.Submitted, t.Approved, t.Recognized, t.Waiting
	d.Distribution = distribution(wards, len(cat.Criteria))
	d.ChildKind, d.Children = childRows(l, year, unit, children, wards)
	cal, err := s.store.Calendar(ctx, year)
	if err != nil {
		return err
	}
	d.Board = statusBoard(l, self, d.Children, childKey(unit.Kind), wards, cal.SelfAssessmentDue, unit.Type)
	if unit.Kind == "province" {
		d.DistrictBars = districtBars(d.Children, wards)
	}
	d.NotMet = notMet(l, cat.Criteria, wards)
	d.Tiers = tierDifferences(l, year, unit.Code, cat.Criteria, wards, t)
	if authorize(r, assess.Review, path) == nil {
		d.ShowQueue = true
		d.Queue = reviewQueue(l, year, wards, s.now())
		d.ImportHref = self + "/results"
		if cal.ReviewDue != nil {
			d.ReviewDue = s.deadlineOf(year, assess.Deadline{Key: "review_due", On: *cal.ReviewDue})
		}
	}

	// Filters and sorting apply to the heat map and the table.
	q := r.URL.Query()
	f := dashFilter{query: assess.Fold(q.Get("q")), district: q.Get("district"), state: q.Get("state"),
		min: atoiOr(q.Get("min"), 0), max: atoiOr(q.Get("max"), len(cat.Criteria))}
	d.Filter = web.DashFilter{Query: q.Get("q"), District: f.district, State: f.state, Min: q.Get("min"), Max: q.Get("max"),
		Action: self, Districts: districtOptions(wards), States: stateOptions(l)}
	d.Filter.Active = f.query != "" || f.district != "" || f.state != "" || q.Get("min") != "" || q.Get("max") != ""
	shown := f.apply(wards)
	d.Shown = len(shown)

	d.Sort = q.Get("sort")
	switch d.Sort {
	case "standing.desc", "standing.asc":
	default:
		d.Sort = "code"
	}
	// Links to the ward table keep the filters (and the sort) and change
	// one thing.
	wardsLink := func(change, to string, keep ...string) string {
		v := url.Values{}
		for _, key := range keep {
			if q.Get(key) != "" {
				v.Set(key, q.Get(key))
			}
		}
		v.Set(change, to)
		return self + "?" + v.Encode() + "#wards"
	}
	filters := []string{"q", "district", "state", "min", "max"}
	d.SortHrefs = map[string]string{}
	for _, k := range []string{"code", "standing.desc", "standing.asc"} {
		d.SortHrefs[k] = wardsLink("sort", k, filters...)
	}
	sortWards(shown, d.Sort)

	if len(shown) <= heatMapLimit {
		d.HeatMap = heatMap(year, cat.Criteria, shown)
	} else {
		d.HeatMapTooBig = true
	}
	// The table shows a page of the sorted, filtered wards.
	pages := max(1, (len(shown)+pageSize-1)/pageSize)
	page := min(max(1, atoiOr(q.Get("page"), 1)), pages)
	if pages > 1 {
		d.Pages = pages
		d.PageNo = page
		link := func(n int) string {
			return wardsLink("page", strconv.Itoa(n), slices.Concat(filters, []string{"sort"})...)
		}
		if page > 1 {
			d.PrevHref = link(page - 1)
		}
		if page < pages {
			d.NextHref = link(page + 1)
		}
	}
	shown = shown[(page-1)*pageSize : min(len(shown), page*pageSize)]
	previous, err := s.previous(r, year, shown)
	if err != nil {
		return err
	}
	for _, ws := range shown {
		d.WardRows = append(d.WardRows, web.WardRow{
			Code: ws.Code, Name: ws.Name, District: ws.District,
			Href:  fmt.Sprintf("/%d/wards/%s", year, ws.Code),
			State: ws.State, Standing: ws.Standing, Previous: previous[ws.Code], Tiers: storedTiers(ws.Standing.Total, ws.Claimed, ws.Appraised, ws.Inspected),
		})
	}
	return renderHTML(w, r, http.StatusOK, web.Dashboard(d))
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		return n
	}
	return def
}

// previous writes each listed ward's standing a year before, following the
// successor mapping: a new ward shows the wards it took over.
func (s *Server) previous(r *http.Request, year int, wards []store.WardStanding) (map[string]string, error) {
	codes := make([]string, len(wards))
	for i, w := range wards {
		codes[i] = w.Code
	}
	prev, err := s.store.PreviousStandings(r.Context(), year-1, codes)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, p := range prev {
		text := fmt.Sprintf("%d/%d", p.Met, p.Total)
		if p.Source != p.Ward {
			text = strings.TrimPrefix(p.Name, "Phường ") + " " + text
		}
		if out[p.Ward] != "" {
			out[p.Ward] += " · "
		}
		out[p.Ward] += text
	}
	return out, nil
}

// dashFilter is the dashboard's filters, parsed.
type dashFilter struct {
	query, district, state string
	min, max               int
}

func (f dashFilter) apply(wards []store.WardStanding) []store.WardStanding {
	var out []store.WardStanding
	for _, w := range wards {
		if f.query != "" && !strings.Contains(assess.Fold(w.Name), f.query) && !strings.Contains(w.Code, f.query) {
			continue
		}
		if f.district != "" && w.DistrictCode != f.district {
			continue
		}
		if f.state != "" && string(w.State) != f.state && !(f.state == "none" && w.State == "") {
			continue
		}
		if w.Standing.Met < f.min || w.Standing.Met > f.max {
			continue
		}
		out = append(out, w)
	}
	return out
}

func districtOptions(wards []store.WardStanding) []web.Option {
	seen := map[string]bool{}
	var opts []web.Option
	for _, w := range wards {
		if w.DistrictCode != "" && !seen[w.DistrictCode] {
			seen[w.DistrictCode] = true
			opts = append(opts, web.Option{Value: w.DistrictCode, Label: w.District})
		}
	}
	sort.Slice(opts, func(i, j int) bool { return opts[i].Label < opts[j].Label })
	return opts
}

func stateOptions(l web.Lang) []web.Option {
	opts := []web.Option{{Value: "none", Label: l.State("")}}
	for _, st := range []assess.State{assess.Draft, assess.Submitted, assess.Returned, assess.Approved, assess.Recognized} {
		opts = append(opts, web.Option{Value: string(st), Label: l.State(st)})
	}
	return opts
}

// counts are the figures a dashboard leads with. They count along the
// workflow: an approved assessment has also been submitted. Waiting counts
// the assessments submitted and not yet reviewed.
type counts struct {
	Wards, Full, Submitted, Approved, Recognized, Waiting int
	// Appraised counts the files that reached the appraisal; the changes,
	// the criteria each tier overturned.
	Appraised, AppraisalChanged, InspectionChanged int
}

func (c *counts) add(w store.WardStanding) {
	c.Wards++
	if w.Appraised != nil {
		c.Appraised++
	}
	c.AppraisalChanged += len(w.AppraisalChanged)
	c.InspectionChanged += len(w.InspectionChanged)
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
		c.Waiting++
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
	switch unit.Kind {
	case "ministry":
		kind = "province"
	case "province":
		kind = "district"
	default:
		return "", nil
	}
	key := childKey(unit.Kind)
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
			Submitted: c.Submitted, Approved: c.Approved, Recognized: c.Recognized,
			AppraisalChanged: c.AppraisalChanged, InspectionChanged: c.InspectionChanged}
	}
	for _, c := range children {
		if c.Kind == kind {
			r := row(c.Code, c.Name, unitHref(year, c))
			r.ChangesHref = changesHref(year, c.Code)
			rows = append(rows, r)
		}
	}
	if kind == "district" && byChild[""] != nil {
		rows = append(rows, row("", l.T("children.direct"), ""))
	}
	return kind, rows
}

// districtBars is each district's average standing, for a province.
func districtBars(children []web.ChildRow, wards []store.WardStanding) []web.DistrictBar {
	met := map[string]int{}
	for _, w := range wards {
		met[w.DistrictCode] += w.Standing.Met
	}
	var bars []web.DistrictBar
	for _, c := range children {
		if c.Wards == 0 {
			continue
		}
		bars = append(bars, web.DistrictBar{Name: c.Name, Href: c.Href, Wards: c.Wards, Average: float64(met[c.Code]) / float64(c.Wards)})
	}
	return bars
}

// notMet counts, per criterion, the wards that have not met it, most first.
func notMet(l web.Lang, criteria []assess.Criterion, wards []store.WardStanding) []web.CriterionBar {
	var bars []web.CriterionBar
	for i, c := range criteria {
		n := 0
		for _, w := range wards {
			if i < len(w.Statuses) && w.Statuses[i] == assess.NotMet {
				n++
			}
		}
		if n > 0 {
			bars = append(bars, web.CriterionBar{Number: c.Number, Title: pick(l, c.TitleVI, c.TitleEN), Wards: n})
		}
	}
	sort.SliceStable(bars, func(i, j int) bool { return bars[i].Wards > bars[j].Wards })
	if len(bars) > 10 {
		bars = bars[:10]
	}
	return bars
}

// reviewQueue lists the submitted assessments, oldest first.
func reviewQueue(l web.Lang, year int, wards []store.WardStanding, now time.Time) []web.QueueRow {
	var queue []store.WardStanding
	for _, w := range wards {
		if w.State == assess.Submitted && w.SubmittedAt != nil {
			queue = append(queue, w)
		}
	}
	sort.SliceStable(queue, func(i, j int) bool { return queue[i].SubmittedAt.Before(*queue[j].SubmittedAt) })
	rows := make([]web.QueueRow, 0, len(queue))
	for _, w := range queue {
		rows = append(rows, web.QueueRow{
			Code: w.Code, Name: w.Name, District: w.District,
			Href:        fmt.Sprintf("/%d/wards/%s#review", year, w.Code),
			SubmittedAt: l.Date(*w.SubmittedAt),
			DaysWaiting: int(now.Sub(*w.SubmittedAt).Hours() / 24),
			Standing:    w.Standing,
		})
	}
	return rows
}

func heatMap(year int, criteria []assess.Criterion, wards []store.WardStanding) *web.HeatMap {
	h := &web.HeatMap{}
	for _, c := range criteria {
		h.Criteria = append(h.Criteria, c.Number)
	}
	for _, w := range wards {
		h.Rows = append(h.Rows, web.HeatRow{Name: w.Name, Href: fmt.Sprintf("/%d/wards/%s", year, w.Code), Statuses: w.Statuses})
	}
	return h
}

func sortWards(wards []store.WardStanding, by string) {
	switch by {
	case "standing.desc":
		sort.SliceStable(wards, func(i, j int) bool { return wards[i].Standing.Met > wards[j].Standing.Met })
	case "standing.asc":
		sort.SliceStable(wards, func(i, j int) bool { return wards[i].Standing.Met < wards[j].Standing.Met })
	}
}

func changesHref(year int, code string) string {
	return fmt.Sprintf("/%d/units/%s/changes", year, code)
}

// tierDifferences is where the tiers differ in the unit's wards: the
// criteria each overturned, and the five most often overturned (by either
// tier); nil while no file has reached the appraisal.
func tierDifferences(l web.Lang, year int, code string, criteria []assess.Criterion, wards []store.WardStanding, t counts) *web.TierDifferences {
	if t.Appraised == 0 {
		return nil
	}
	d := &web.TierDifferences{AppraisalChanged: t.AppraisalChanged, InspectionChanged: t.InspectionChanged,
		Files: t.Appraised, ChangesHref: changesHref(year, code)}
	times := map[int]int{}
	for _, w := range wards {
		for _, n := range w.AppraisalChanged {
			times[n]++
		}
		for _, n := range w.InspectionChanged {
			times[n]++
		}
	}
	for _, c := range criteria {
		if times[c.Number] > 0 {
			d.Overturned = append(d.Overturned, web.OverturnedCriterion{Number: c.Number, Title: pick(l, c.TitleVI, c.TitleEN),
				Times: times[c.Number], Href: fmt.Sprintf("%s?criterion=%d", d.ChangesHref, c.Number)})
		}
	}
	slices.SortStableFunc(d.Overturned, func(a, b web.OverturnedCriterion) int { return b.Times - a.Times })
	d.Overturned = d.Overturned[:min(len(d.Overturned), 5)]
	return d
}

// storedTiers is a file's standing in each tier reached, from the criteria
// each met (nil for a tier not reached) as the store keeps them.
func storedTiers(total, claimed int, appraised, inspected *int) assess.Standings {
	t := assess.Standings{Claimed: assess.Standing{Met: claimed, Total: total}}
	if appraised != nil {
		t.Appraised = &assess.Standing{Met: *appraised, Total: total}
	}
	if inspected != nil {
		t.Inspected = &assess.Standing{Met: *inspected, Total: total}
	}
	return t
}
