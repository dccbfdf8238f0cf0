package web

import (
	"time"

	"modelward/internal/assess"
)

// WardPage is a ward's assessment for a year.
type WardPage struct {
	Page
	Code         string
	Name         string
	State        assess.State
	Exists       bool
	Standing     assess.Standing
	SubmittedAt  *time.Time
	ReturnReason string
	DecisionNo   string
	DecisionDate *time.Time
	YearEndOpens time.Time
	// YearEndOpen says the year-end window has opened (today or before).
	YearEndOpen bool
	DashHref    string
	Groups      []CriteriaGroup
	// Level names the level the ward is registered at for the year, empty
	// when it is not registered; RegisteredYears links the years it is.
	Level           string
	RegisteredYears []Crumb
	// Editable is set for the ward's officer while the assessment is open.
	Editable  bool
	Flash     string // a message key
	FlashArgs []any
	// SavedNumber is the criterion just saved: its confirmation is shown
	// beside it, where the eye is, not at the top of the page.
	SavedNumber int
	Due         *Due
	SubmitHref  string
	HistoryHref string
	DossierHref string
	// The decisions the user may take now; nil when none.
	Review    *DecisionForm
	Recognize *DecisionForm
	Reopen    *DecisionForm
	// NotJudged lists the criteria not yet judged ("13. Tỷ lệ…"), for the
	// approve form; RecognizeBlocked says why a ward the user could
	// recognise cannot be yet (a message key), instead of the form.
	NotJudged        []string
	RecognizeBlocked string
	// Errors summarises at the top what is wrong with a refused form.
	Errors []FieldError
	// Changed says a decision was refused because the assessment changed
	// after it was opened; Recent lists the latest changes.
	Changed bool
	Recent  []HistoryRow
	// Lineage across reorganisations: the wards this one took over, and
	// those that took it over.
	From []Crumb
	To   []Crumb
	// Deadline is the self-assessment's, nil when the year has none.
	Deadline *WardDeadline
	// Revoke withdraws the recognition, for whoever decides at its level.
	Revoke *DecisionForm
	// Visit is the ward's inspection on site, nil when none is planned.
	Visit *WardVisit
	// Returned lists the criteria a return sent back, while returned;
	// SinceReturn what changed since, for the reviewer of the new
	// submission; SinceApproval what changed since the approval (nothing,
	// unless an admin reopened it), with ApprovedAt.
	Returned      []ReturnedRow
	SinceReturn   []ChangeRow
	SinceApproval []ChangeRow
	ApprovedSnap  bool
	// ImportHref is the spreadsheet round trip, for the ward's officers
	// while they may record.
	ImportHref string
	// Viewer is the evidence file opened in the page (?view=ID), nil when none.
	Viewer *EvidenceViewer
	// Tiers are the standing of each tier reached; Standing is the
	// official one, the last.
	Tiers assess.Standings
}

// DecisionForm is a workflow decision's form: where it goes and the
// assessment's version it was made on.
type DecisionForm struct {
	ActionURL string
	Version   int
	// As typed, when the form comes back refused, with its errors (message
	// keys) by field name.
	Decision string
	Reason   string
	No       string
	Date     string
	Errors   map[string]string
	// Criteria, in a return form, may each be sent back with a reason.
	Criteria []ReturnCriterion
}

// Criterion is criterion n's part of a return form, nil when the form
// has none.
func (f *DecisionForm) Criterion(n int) *ReturnCriterion {
	if f == nil {
		return nil
	}
	for i := range f.Criteria {
		if f.Criteria[i].Number == n {
			return &f.Criteria[i]
		}
	}
	return nil
}

// Open says whether a criterion's return control is shown open: when it
// comes back with anything chosen or typed in it, or an error.
func (c ReturnCriterion) Open() bool {
	return c.Checked || c.Reason != "" || c.Error != ""
}

// FieldError is an error in a form on the page, linked from the summary
// at the top to the field it concerns.
type FieldError struct {
	ID   string // the field's element id
	Key  string
	Args []any // the message's arguments, if it has any
}

// Due is what an officer still has to do for the year.
type Due struct {
	NotStarted   int
	InProgress   int
	YearEndOpens string // the date, when the year-end window is still closed
}

// CriteriaGroup is one group (A–G) of the catalogue with its criteria.
type CriteriaGroup struct {
	Code     string
	Title    string
	Criteria []CriterionRow
}

// CriterionRow is one criterion with the ward's result.
type CriterionRow struct {
	Number    int
	Title     string
	Kind      assess.Kind
	YearEnd   bool
	Threshold string // "≥ 90 %", empty for a check
	Value     string // as the language writes it, with its unit
	Status    assess.Status
	Note      string
	UpdatedBy string
	UpdatedAt *time.Time
	Href      string
	Evidence  []EvidenceLink
	Comments  int
	// Editable says whether this user may change the criterion now (while
	// a return names some criteria, only those); ReturnReason is why a
	// return named it, while the file is returned.
	Editable     bool
	ReturnReason string
	// Appraisal is the province's appraisal of the criterion, nil when
	// none; AppraiseURL is where a reviewer sends one, while the file is
	// submitted (empty otherwise).
	Appraisal *RowAppraisal
	// Finding is the inspection team's finding on site, in the same shape
	// (Reason its note).
	Finding     *RowAppraisal
	AppraiseURL string
	// AppraiseForm is the appraisal as typed, when it came back refused.
	AppraiseForm *AppraiseForm
}

// AppraiseForm is a refused appraisal as typed, with its error (a key).
type AppraiseForm struct {
	Status, Value, Reason, Error string
}

// appraiseChecked says whether the appraisal form's choice is status: as
// typed when it came back, else the appraisal made, else "agree".
func (c CriterionRow) appraiseChecked(status string) bool {
	switch {
	case c.AppraiseForm != nil:
		return c.AppraiseForm.Status == status
	case c.Appraisal != nil && !c.Appraisal.Agreed:
		return string(c.Appraisal.Status) == status
	}
	return status == "agree"
}

// RowAppraisal is a criterion's appraisal as its row shows it.
type RowAppraisal struct {
	Agreed bool
	Status assess.Status
	Value  string // with its unit
	Reason string
	By     string
}

// EvidenceLink is an evidence file as the ward page lists it.
type EvidenceLink struct {
	Title string
	Href  string
	// ViewHref opens it in the page's viewer.
	ViewHref string
}

// EvidenceViewer shows one file of the ward's evidence in the ward page,
// with links to the one before and after, criterion by criterion.
type EvidenceViewer struct {
	Title        string
	Number       int
	Criterion    string
	ImageSrc     string
	DownloadHref string
	PrevHref     string
	NextHref     string
	CloseHref    string
	Position     int
	Count        int
}

// orderedErrors puts a form's errors by field in page order: fields pairs
// each field's name with its input's id.
func orderedErrors(errs map[string]string, fields ...string) []FieldError {
	var out []FieldError
	for i := 0; i+1 < len(fields); i += 2 {
		if k, ok := errs[fields[i]]; ok {
			out = append(out, FieldError{ID: fields[i+1], Key: k})
		}
	}
	return out
}

// ReturnCriterion is one criterion in the return form: check it to send
// it back, with its own reason.
type ReturnCriterion struct {
	Number  int
	Title   string
	Checked bool
	Reason  string
	Error   string
}

// ReturnedRow is a criterion a return named, with its reason.
type ReturnedRow struct {
	Number int
	Title  string
	Reason string
	Href   string
}

// ChangeRow is what changed in one criterion since a return or an
// approval: its status and value (old → new), its note, the evidence
// added and removed.
type ChangeRow struct {
	Number      int
	Title       string
	Status      string
	Value       string
	Note        string
	NoteChanged bool
	Added       []string
	Removed     []string
}

// appraiseTyped is a field of a refused appraisal as typed, empty when
// the form did not come back.
func appraiseTyped(c CriterionRow, field string) string {
	if f := c.AppraiseForm; f != nil {
		if field == "value" {
			return f.Value
		}
		return f.Reason
	}
	return ""
}

// WardVisit is a ward's inspection on site as its page shows it: when,
// how far, the conclusion, and for those who may see the inspection its
// sheet and record.
type WardVisit struct {
	Dates      string
	Found      int
	Total      int
	Proposal   string
	Note       string
	SheetHref  string
	RecordHref string
}
