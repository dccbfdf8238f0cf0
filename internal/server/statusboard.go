package server

import (
	"net/url"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// statusColumns are where a registered ward's file stands, in the order
// of the year: not started, in draft, submitted on time or late (after
// the self-assessment deadline), returned, approved, recognised.
var statusColumns = []string{"none", "draft", "on_time", "late", "returned", "approved", "recognized"}

// statusColumn is where ward's file stands, against the deadline due.
func statusColumn(w store.WardStanding, due *time.Time) string {
	switch w.State {
	case "":
		return "none"
	case assess.Submitted:
		if due != nil && w.SubmittedAt != nil && assess.Day(*w.SubmittedAt).After(*due) {
			return "late"
		}
		return "on_time"
	}
	return string(w.State)
}

// stateFilter is the dashboard's state filter that lists a column's wards.
func stateFilter(column string) string {
	if column == "on_time" || column == "late" {
		return string(assess.Submitted)
	}
	return column
}

// statusBoard counts the registered wards of a dashboard by where their
// files stand, per child unit (linked to its own list) and per level, the
// way DHIS2 reports reporting rates; each count links to the wards it
// counts.
func statusBoard(l web.Lang, self string, children []web.ChildRow, childOf func(store.WardStanding) string, wards []store.WardStanding,
	due *time.Time, provinceType string) *web.StatusBoard {
	if len(wards) == 0 {
		return nil
	}
	b := &web.StatusBoard{Columns: statusColumns}
	list := func(base, column string) string {
		return base + "?" + url.Values{"state": {stateFilter(column)}}.Encode() + "#wards"
	}
	row := func(name, href, base string, of func(store.WardStanding) bool) web.StatusRow {
		r := web.StatusRow{Name: name, Href: href, Cells: make([]web.StatusCell, len(statusColumns))}
		for _, w := range wards {
			if !of(w) {
				continue
			}
			r.Registered++
			for i, c := range statusColumns {
				if statusColumn(w, due) == c {
					r.Cells[i].N++
				}
			}
		}
		if base != "" {
			for i, c := range statusColumns {
				if r.Cells[i].N > 0 {
					r.Cells[i].Href = list(base, c)
				}
			}
		}
		return r
	}
	for _, c := range children {
		code := c.Code
		r := row(c.Name, c.Href, c.Href, func(w store.WardStanding) bool { return childOf(w) == code })
		if r.Registered > 0 {
			b.Rows = append(b.Rows, r)
		}
	}
	for _, level := range []string{store.LevelMinistry, store.LevelCity} {
		r := row(web.LevelWord(l, level, provinceType), "", "", func(w store.WardStanding) bool { return w.Level == level })
		if r.Registered > 0 {
			b.Levels = append(b.Levels, r)
		}
	}
	b.Total = row(l.T("board.total"), "", self, func(store.WardStanding) bool { return true })
	if due != nil {
		b.Due = l.Date(*due)
	}
	return b
}

// childKey is how a dashboard's wards group by its child units.
func childKey(kind string) func(store.WardStanding) string {
	if kind == "ministry" {
		return func(w store.WardStanding) string { return w.ProvinceCode }
	}
	return func(w store.WardStanding) string { return w.DistrictCode }
}
