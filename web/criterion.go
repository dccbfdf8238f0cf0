package web

import (
	"time"

	"modelward/internal/assess"
)

// CriterionPage is one criterion of a ward's assessment: its result, the
// form to change it, its evidence and its history.
type CriterionPage struct {
	Page
	WardName  string
	WardHref  string
	ActionURL string
	// PrevHref and NextHref are the criteria before and after this one (of
	// those the ward may change, while a return names some); empty at
	// either end. NextNumber is the next one's number.
	PrevHref   string
	NextHref   string
	NextNumber int
	Number     int
	Title      string
	Group      string
	Kind       assess.Kind
	YearEnd    bool
	// YearEndOpens is set while the year-end window is still closed.
	YearEndOpens *time.Time
	Threshold    string
	Unit         string
	ScaleHint    string // what values the measure takes, in words
	Current      ResultView
	Editable     bool
	// Accepted says the ward's file was returned for other criteria: this
	// one stands as the reviewer accepted it.
	Accepted bool
	// Returned says why the file came back, when this criterion is to be
	// worked on again.
	Returned *ReturnNotice
	Form     ResultForm
	// Stale is what someone else saved while this editor was open.
	Stale     *ResultView
	Evidence  []EvidenceRow
	Upload    UploadForm
	History   []HistoryRow
	Flash     string // a message key
	FlashArgs []any
	Comments  []CommentRow
	// CommentURL is where a comment is sent; empty when the user may not
	// comment.
	CommentURL string
	// The comment as typed, when it comes back refused, and why.
	CommentBody  string
	CommentError string
}

// ReturnNotice is why a criterion came back to the ward: the reason given
// for it (empty when the whole file was returned) and the file's own.
type ReturnNotice struct {
	On         *time.Time
	Reason     string
	FileReason string
}

// CommentRow is one comment in a criterion's thread.
type CommentRow struct {
	Author string
	Role   string
	Body   string
	At     time.Time
}

// ResultView is a stored result as shown.
type ResultView struct {
	Status    assess.Status // as shown (pending year end included)
	Value     string
	Note      string
	Version   int
	UpdatedBy string
	UpdatedAt *time.Time
}

// ResultForm is the result form as typed, with its errors by field.
type ResultForm struct {
	Status  string
	Value   string
	Note    string
	Version int
	Errors  map[string]string // field → message key
}

// EvidenceRow is one evidence file.
type EvidenceRow struct {
	ID         int64
	Href       string
	RemoveURL  string
	Title      string
	Dated      time.Time
	Type       string
	Size       string
	SHA256     string
	UploadedBy string
	UploadedAt time.Time
	RemovedBy  string
	RemovedAt  *time.Time
	// ThumbSrc and PreviewHref are the file's pictures; Pages a PDF's
	// page count, when known.
	ThumbSrc    string
	PreviewHref string
	Pages       int
	// DocTitle and Sheets are an office file's own title and sheets.
	DocTitle string
	Sheets   int
}

// UploadForm is the file part of the criterion's form as typed (its
// errors are the form's, under file, title and dated).
type UploadForm struct {
	Title string
	Dated string
}

// HistoryRow is one change in a history, already in words.
type HistoryRow struct {
	At     time.Time
	Actor  string
	What   string
	Before string
	After  string
}

// StatusOptions are the statuses an officer may choose, in order.
var StatusOptions = []assess.Status{assess.NotStarted, assess.InProgress, assess.Met, assess.NotMet}
