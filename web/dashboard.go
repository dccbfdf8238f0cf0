package web

import "modelward/internal/assess"

// DashboardPage is the dashboard of a unit's subtree for a year.
type DashboardPage struct {
	Page
	UnitName string
	UnitKind string
	// Total is the number of criteria in the year's catalogue.
	Total        int
	Wards        int
	Full         int
	Submitted    int
	Approved     int
	Recognized   int
	Distribution []StandingBar
	// ChildKind is "province" or "district": which children are listed.
	ChildKind string
	Children  []ChildRow
	WardRows  []WardRow
	Sort      string
	SortHrefs map[string]string
	CSVHref   string
}

// StandingBar is how many wards stand at Met/Total.
type StandingBar struct {
	Met   int
	Wards int
}

// ChildRow is one province or district of the unit, with its counts.
type ChildRow struct {
	Code       string
	Name       string
	Href       string
	Wards      int
	Full       int
	Submitted  int
	Approved   int
	Recognized int
}

// WardRow is one ward in the dashboard's table.
type WardRow struct {
	Code     string
	Name     string
	District string
	Href     string
	State    assess.State
	Standing assess.Standing
}

func stateClass(s assess.State) string {
	if s == "" {
		return "none"
	}
	return string(s)
}

// ChartSummary is the one sentence that says what the chart shows.
func (d DashboardPage) ChartSummary() string {
	for i := len(d.Distribution) - 1; i >= 0; i-- {
		if b := d.Distribution[i]; b.Wards > 0 {
			return d.Lang.T("chart.summary", b.Wards, d.Wards, b.Met, d.Total)
		}
	}
	return ""
}

// chart geometry, in SVG user units.
const (
	chartBarW   = 32
	chartGap    = 10
	chartHeight = 160
	chartLeft   = 36
	chartTop    = 20
	chartBottom = 44
)

func (d DashboardPage) chartWidth() int {
	return chartLeft + len(d.Distribution)*(chartBarW+chartGap) + chartGap
}

func (d DashboardPage) chartMax() int {
	m := 1
	for _, b := range d.Distribution {
		m = max(m, b.Wards)
	}
	return m
}

func (d DashboardPage) barHeight(b StandingBar) int {
	return b.Wards * chartHeight / d.chartMax()
}

func (d DashboardPage) barX(i int) int { return chartLeft + chartGap + i*(chartBarW+chartGap) }

func (d DashboardPage) barY(b StandingBar) int { return chartTop + chartHeight - d.barHeight(b) }

func (d DashboardPage) barClass(b StandingBar) string {
	if b.Met == d.Total {
		return "bar bar-full"
	}
	return "bar"
}
