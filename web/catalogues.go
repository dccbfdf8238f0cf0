package web

import "time"

// CataloguesPage lists the yearly catalogues and copies one to a new year.
type CataloguesPage struct {
	Page
	Catalogues []CatalogueRow
	Flash      string
	FlashArgs  []any
	Copy       CopyForm
}

// CatalogueRow is one year's catalogue.
type CatalogueRow struct {
	Year         int
	Href         string
	YearEndOpens time.Time
	Criteria     int
	Revision     int
	Locked       bool
}

// CopyForm is the copy form as typed.
type CopyForm struct {
	From   string
	To     string
	Opens  string
	Errors map[string]string
}

// CataloguePage is one year's catalogue for editing.
type CataloguePage struct {
	Page
	Info       CatalogueRow
	Criteria   []CriterionRow
	EditHref   func(n int) string
	RemoveURL  func(n int) string
	NewHref    string
	YearEndURL string
	// The year-end date as typed (as stored at first), and what is wrong.
	YearEndOpens string
	YearEndError string
	Flash        string
	FlashArgs    []any
	// The calendar's dates as typed (as stored at first), by key, and what
	// is wrong with them.
	CalendarURL    string
	Calendar       map[string]string
	CalendarErrors map[string]string
}

// CriterionEditPage edits or adds one criterion of a catalogue.
type CriterionEditPage struct {
	Page
	CatalogueYear int
	CatalogueHref string
	ActionURL     string
	IsNew         bool
	Locked        bool
	Form          CriterionForm
}

// CriterionForm is a criterion as typed, with errors by field.
type CriterionForm struct {
	Number     string
	Group      string
	GroupVI    string
	GroupEN    string
	TitleVI    string
	TitleEN    string
	Kind       string
	Unit       string
	Comparator string
	Threshold  string
	Scale      string
	YearEnd    bool
	Errors     map[string]string
}
