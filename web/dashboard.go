package web

import (
	"html"
	"strconv"
	"strings"
	"sync"

	"modelward/internal/assess"
)

// DashboardPage is the dashboard of a unit's subtree for a year.
type DashboardPage struct {
	Page
	UnitName string
	UnitKind string
	// Tiers is where the appraisal and the inspection differ from the tier
	// before, in the unit; nil while no ward has gone past its claim.
	Tiers *TierDifferences
	// Board counts the registered wards by where their files stand.
	Board *StatusBoard
	// ReviewDue is the review's deadline, beside the review queue;
	// ImportHref the spreadsheet round trip for the unit's reviewers.
	ReviewDue  *Deadline
	ImportHref string
	// Total is the number of criteria in the year's catalogue.
	Total        int
	Wards        int
	Full         int
	Submitted    int
	Approved     int
	Recognized   int
	Waiting      int
	Distribution []StandingBar
	// Queue is the review queue, for a user who reviews this unit.
	Queue     []QueueRow
	ShowQueue bool
	HeatMap   *HeatMap
	// HeatMapTooBig says the heat map is left out because too many wards
	// are listed; filters bring it back.
	HeatMapTooBig bool
	NotMet        []CriterionBar
	DistrictBars  []DistrictBar
	Filter        DashFilter
	// Shown is how many wards the filters keep, of Wards.
	Shown int
	// Pages of the ward table, when there is more than one.
	Pages    int
	PageNo   int
	PrevHref string
	NextHref string
	// ChildKind is "province" or "district": which children are listed.
	ChildKind string
	Children  []ChildRow
	WardRows  []WardRow
	Sort      string
	SortHrefs map[string]string
	CSVHref   string
	XLSXHref  string
	PDFHref   string
	// The Ministry's quota against the wards registered at each level
	// (provinces and the Ministry); RegistrationsHref links the list for
	// those who keep it.
	ShowQuota         bool
	Quota             *int
	RegMinistry       int
	RegCity           int
	ProvinceType      string
	RegistrationsHref string
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
	// AppraisalChanged and InspectionChanged count the criteria each tier
	// overturned in the unit's wards; ChangesHref lists them.
	AppraisalChanged  int
	InspectionChanged int
	ChangesHref       string
}

// TierDifferences are the criteria the appraisal overturned against the
// wards' claims and the inspection against the appraisal, with the
// criteria most often overturned; each count leads to the list of those
// criteria with their reasons.
type TierDifferences struct {
	AppraisalChanged  int
	InspectionChanged int
	// Files counts the wards whose file reached the appraisal.
	Files       int
	ChangesHref string
	Overturned  []OverturnedCriterion
}

// OverturnedCriterion is a criterion and how often the tiers overturned it.
type OverturnedCriterion struct {
	Number int
	Title  string
	Times  int
	Href   string
}

// Participating are the child units with wards in the programme this
// year: the table lists them. IdleChildren are the others, named on one
// collapsed line below it (most of the 63 provinces of 2023 had none).
func (d DashboardPage) Participating() []ChildRow {
	var out []ChildRow
	for _, c := range d.Children {
		if c.Wards > 0 {
			out = append(out, c)
		}
	}
	return out
}

// IdleChildren are the child units without wards in the programme.
func (d DashboardPage) IdleChildren() []Crumb {
	var out []Crumb
	for _, c := range d.Children {
		if c.Wards == 0 {
			out = append(out, Crumb{Name: c.Name, Href: c.Href})
		}
	}
	return out
}

// HasDistricts says whether any ward listed lies in a district: since the
// reform of 2025 none does, and the district column would stay empty.
func (d DashboardPage) HasDistricts() bool {
	for _, w := range d.WardRows {
		if w.District != "" {
			return true
		}
	}
	for _, q := range d.Queue {
		if q.District != "" {
			return true
		}
	}
	return false
}

// WardRow is one ward in the dashboard's table.
type WardRow struct {
	Code     string
	Name     string
	District string
	Href     string
	State    assess.State
	Standing assess.Standing
	// Tiers are the standing of each tier reached; shown under the
	// official standing where they differ.
	Tiers assess.Standings
	// Previous is the standing a year before, of the ward or of the wards
	// it took over ("18/22", or "Điện Biên 21/22 · Quán Thánh 20/22").
	Previous string
}

// QueueRow is a submitted assessment waiting for review.
type QueueRow struct {
	Code        string
	Name        string
	District    string
	Href        string
	SubmittedAt string
	DaysWaiting int
	Standing    assess.Standing
}

// HeatMap shows wards × criteria by status.
type HeatMap struct {
	Criteria []int
	Rows     []HeatRow
}

// HeatRow is one ward's line of the heat map.
type HeatRow struct {
	Name     string
	Href     string
	Statuses []assess.Status
}

// CriterionBar is how many wards have not met a criterion.
type CriterionBar struct {
	Number int
	Title  string
	Wards  int
}

// DistrictBar is a district's average standing.
type DistrictBar struct {
	Name    string
	Href    string
	Wards   int
	Average float64 // criteria met per ward, on average
}

// DashFilter is the dashboard's filters as set, and the choices offered.
type DashFilter struct {
	Query     string
	District  string
	State     string
	Min       string
	Max       string
	Districts []Option
	States    []Option
	// Active says some filter is set.
	Active bool
	// Action is the dashboard's own address, where the filter form goes.
	Action string
}

// Option is one choice of a select.
type Option struct {
	Value string
	Label string
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
	chartTop    = 36 // room for the y axis's title above the tallest bar
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

// heatCells writes a heat map row's cells, each with its criterion's
// number (shown beside the mark on a phone, where the grid becomes a card
// per ward). A cell is one of a few strings per language, built once from
// the status words (escaped there): a province's map has thousands of cells.
func heatCells(l Lang, numbers []int, statuses []assess.Status) string {
	cells := heatCellHTML()[l]
	var b strings.Builder
	b.Grow(len(statuses) * 60)
	for i, st := range statuses {
		b.WriteString(`<td data-n="`)
		if i < len(numbers) {
			b.WriteString(strconv.Itoa(numbers[i]))
		}
		b.WriteString(`"`)
		if c, ok := cells[st]; ok {
			b.WriteString(c)
		} else {
			b.WriteString("></td>")
		}
	}
	return b.String()
}

var heatCellHTML = sync.OnceValue(func() map[Lang]map[assess.Status]string {
	all := map[Lang]map[assess.Status]string{}
	for _, l := range []Lang{VI, EN} {
		all[l] = map[assess.Status]string{}
		for _, st := range []assess.Status{assess.Met, assess.NotMet, assess.PendingYearEnd, assess.InProgress, assess.NotStarted} {
			all[l][st] = ` class="c-` + html.EscapeString(string(st)) + `" title="` + html.EscapeString(l.Status(st)) + `">` +
				html.EscapeString(StatusMark(st)) + `</td>`
		}
	}
	return all
})

// truncate shortens s to n characters, for chart labels.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// bars of the criteria-not-met and district charts
const (
	hbarLeft  = 280
	hbarWidth = 300
	hbarRow   = 22
)

func (d DashboardPage) notMetMax() int {
	m := 1
	for _, b := range d.NotMet {
		m = max(m, b.Wards)
	}
	return m
}

func (d DashboardPage) notMetLen(b CriterionBar) int { return b.Wards * hbarWidth / d.notMetMax() }

func (d DashboardPage) districtLen(b DistrictBar) int {
	if d.Total == 0 {
		return 0
	}
	return int(b.Average * hbarWidth / float64(d.Total))
}

func hbarY(i int) int { return 8 + i*hbarRow }

func hbarHeight(n int) int { return 16 + n*hbarRow }

// PhoneBar is one bar of a chart drawn for a narrow screen: its label on
// a line of its own, the bar and its value below, so that text stays at
// its size instead of the desktop chart being scaled down.
type PhoneBar struct {
	Label string
	Value string
	Class string
	Len   int // 0..phoneBarMax
}

const (
	phoneWidth  = 320
	phoneBarMax = 220
	phoneRow    = 38
)

func phoneBarsHeight(n int) int { return 4 + n*phoneRow }

func phoneY(i, offset int) int { return i*phoneRow + offset }

func (d DashboardPage) distributionPhone() []PhoneBar {
	bars := make([]PhoneBar, 0, len(d.Distribution))
	for _, b := range d.Distribution {
		bars = append(bars, PhoneBar{Label: d.Lang.T("standing.short", b.Met, d.Total), Value: itoa(b.Wards),
			Class: d.barClass(b), Len: b.Wards * phoneBarMax / d.chartMax()})
	}
	return bars
}

func (d DashboardPage) notMetPhone() []PhoneBar {
	bars := make([]PhoneBar, 0, len(d.NotMet))
	for _, b := range d.NotMet {
		bars = append(bars, PhoneBar{Label: itoa(b.Number) + ". " + truncate(b.Title, 40), Value: itoa(b.Wards),
			Class: "bar bar-notmet", Len: b.Wards * phoneBarMax / d.notMetMax()})
	}
	return bars
}

func (d DashboardPage) districtPhone() []PhoneBar {
	bars := make([]PhoneBar, 0, len(d.DistrictBars))
	for _, b := range d.DistrictBars {
		n := 0
		if d.Total > 0 {
			n = int(b.Average * phoneBarMax / float64(d.Total))
		}
		bars = append(bars, PhoneBar{Label: truncate(b.Name, 40), Value: d.Lang.Fixed1(b.Average) + "/" + itoa(d.Total) + " (" + itoa(b.Wards) + ")",
			Class: "bar", Len: n})
	}
	return bars
}

// StatusBoard counts a dashboard's registered wards by where their files
// stand (Columns: none, draft, on_time, late, returned, approved,
// recognized), per child unit, per level and in all.
type StatusBoard struct {
	Columns []string
	Rows    []StatusRow
	Levels  []StatusRow
	Total   StatusRow
	// Due is the self-assessment deadline in words, empty when none.
	Due string
}

// StatusRow is one line of the board.
type StatusRow struct {
	Name       string
	Href       string
	Registered int
	Cells      []StatusCell
}

// StatusCell is a count and the list of the wards it counts.
type StatusCell struct {
	N    int
	Href string
}

// childColumns is the number of the children table's columns.
func (d DashboardPage) childColumns() int {
	if d.Tiers != nil {
		return 8
	}
	return 6
}

// TiersDiffer says whether the ward's tiers disagree somewhere: only then
// does the table show them under the official standing.
func (w WardRow) TiersDiffer() bool {
	t := w.Tiers
	return t.Appraised != nil && (t.Appraised.Met != t.Claimed.Met || t.Inspected != nil && t.Inspected.Met != t.Appraised.Met)
}
