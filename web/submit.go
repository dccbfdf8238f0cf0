package web

// SubmitPage asks an officer to confirm sending the assessment for review.
type SubmitPage struct {
	Page
	WardName  string
	WardHref  string
	ActionURL string
	Standing  string
	// NotJudged lists the criteria that are neither met nor not met yet;
	// NotMet those judged not met, for which the ward cannot be recognised
	// this year.
	NotJudged []CriterionRow
	NotMet    []CriterionRow
	// Answers are every criterion as it will be sent, to check before
	// sending; a row's Href is set while the officer may still change it.
	Answers []CriterionRow
}

// HistoryPage is the timeline of a ward's year.
type HistoryPage struct {
	Page
	WardName string
	WardHref string
	Rows     []HistoryRow
}
