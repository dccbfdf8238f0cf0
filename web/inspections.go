package web

import (
	"strings"

	"modelward/internal/assess"
)

// InspectionsPage lists a year's inspections the user may see and, for
// those who decide, the form that plans one.
type InspectionsPage struct {
	Page
	Flash     string
	FlashArgs []any
	Rows      []InspectionRow
	// Window is the year's inspection window, "" when the calendar has none.
	Window string
	// Choose picks the level and province of a plan (the Ministry plans
	// anywhere); Plan is the plan's form once they are known.
	Choose *PlanChoice
	Plan   *PlanForm
	// PlanItems names the wards or users a refused plan is about.
	PlanItems string
}

// InspectionRow is an inspection as the list shows it.
type InspectionRow struct {
	Href      string
	Province  string
	Level     string // in words
	Dates     string
	Leader    string
	Wards     int
	Concluded int
	Member    bool // the user is in the team
}

// PlanChoice is the first step of a plan: its level and province.
type PlanChoice struct {
	Action    string
	Levels    []Pick
	Provinces []Pick
}

// Pick is one choice of a select, a set of radio buttons or check boxes,
// with a note beside its label.
type Pick struct {
	Value, Label string
	Note         string
	Selected     bool
}

// PlanForm plans an inspection of a province at a level: dates inside the
// window, the wards it may visit, the team and its leader.
type PlanForm struct {
	Action       string
	Level        string
	LevelWord    string
	Province     string // code
	ProvinceName string
	From, To     string // as typed
	Min, Max     string // the window, YYYY-MM-DD, "" without one
	Wards        []Pick
	Members      []Pick
	Leaders      []Pick
	Errors       map[string]string
	// ErrorItems names the wards or users a refusal is about.
	ErrorItems string
}

// InspectionPage is one inspection: its team, dates and wards, each with
// its standings and how far its visit has gone.
type InspectionPage struct {
	Page
	Flash     string
	FlashArgs []any
	Province  string
	LevelWord string
	Dates     string
	Leader    string
	Members   []string
	PlannedBy string
	Wards     []InspectionWardRow
}

// InspectionWardRow is a ward of an inspection.
type InspectionWardRow struct {
	Code, Name  string
	WardHref    string
	SheetHref   string
	RecordHref  string
	Tiers       assess.Standings
	Findings    int
	Total       int
	Proposal    string // recognize, decline, or "" while open
	ConcludedOn string
}

// SheetPage is a ward's inspection sheet: a card per criterion with the
// ward's claim, the appraisal and the finding, and the leader's conclusion.
type SheetPage struct {
	Page
	Flash          string
	FlashArgs      []any
	Ward, Code     string
	InspectionHref string
	WardHref       string
	RecordHref     string
	Dates          string
	Tiers          assess.Standings
	Standing       assess.Standing
	// Open: the visit is not concluded and the user is in the team.
	Open     bool
	Version  int
	Cards    []FindingCard
	Errors   []FieldError
	Conclude *ConcludeForm
	// Concluded is the leader's conclusion once made.
	Concluded *SheetConclusion
}

// FindingCard is one criterion on the inspection sheet.
type FindingCard struct {
	Number        int
	Title         string
	Group         string
	Measure       bool
	Threshold     string
	Claim         assess.Status
	ClaimValue    string
	FoundValue    string // the finding's value as stored, for the form
	Appraisal     *RowAppraisal
	Finding       *RowAppraisal
	Action        string
	YearEndClosed bool
	// Typed is the finding as typed when it came back refused, with its
	// error (a key); nil otherwise.
	Typed *FindingTyped
	// Photos are what the team took of this criterion on its visit.
	Photos []VisitPhoto
}

// VisitPhoto is a photo or paper the team took on its visit.
type VisitPhoto struct {
	Title    string
	Href     string // the file
	ThumbSrc string // its picture, when it has one
}

// FindingTyped is a refused finding as typed.
type FindingTyped struct {
	Finding, Value, Note, Error string
}

// Choice is the finding's radio button to check: as typed, else the
// finding made.
func (c FindingCard) Choice() string {
	switch {
	case c.Typed != nil:
		return c.Typed.Finding
	case c.Finding != nil:
		return string(c.Finding.Status)
	}
	return ""
}

// TypedValue and TypedNote are the value and note to show in the card's
// form: as typed, else as found.
func (c FindingCard) TypedValue() string {
	if c.Typed != nil {
		return c.Typed.Value
	}
	return c.FoundValue
}

func (c FindingCard) TypedNote() string {
	switch {
	case c.Typed != nil:
		return c.Typed.Note
	case c.Finding != nil:
		return c.Finding.Reason
	}
	return ""
}

// ConcludeForm is the leader's conclusion of a visit.
type ConcludeForm struct {
	Action   string
	Proposal string
	Note     string
	Error    string
	// Missing lists the criteria still without a finding.
	Missing []int
}

// SheetConclusion is a concluded visit's conclusion.
type SheetConclusion struct {
	Proposal string
	Note     string
	On       string
}

// joinInts writes numbers as a list: "3, 7, 12".
func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = itoa(n)
	}
	return strings.Join(parts, ", ")
}

// ChangesPage lists the criteria the appraisal and the inspection
// overturned in a unit's wards, each with its reason.
type ChangesPage struct {
	Page
	UnitName  string
	Criterion string // the one criterion shown, "" for all
	AllHref   string
	Appraised []OverturnRow
	Inspected []OverturnRow
}

// OverturnRow is one overturned criterion of one ward.
type OverturnRow struct {
	Ward      string
	WardHref  string
	Province  string
	Number    int
	Title     string
	From, To  assess.Status
	FromValue string
	ToValue   string
	Reason    string
	By        string
	On        string
}
