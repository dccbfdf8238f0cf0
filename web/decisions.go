package web

import "time"

// DecisionsPage lists a year's decisions and, for those who decide, the
// form that drafts one over the eligible wards.
type DecisionsPage struct {
	Page
	Flash     string
	FlashArgs []any
	Rows      []DecisionRow
	Draft     *DraftForm
}

// DecisionRow is a decision as the list shows it.
type DecisionRow struct {
	Href    string
	Number  string
	Date    string
	Level   string
	Wards   int
	Issued  bool
	OnPaper bool
}

// DraftForm drafts a decision: number and symbol, date, signer and title,
// and the wards, chosen among the eligible ones.
type DraftForm struct {
	Action      string
	LevelWord   string
	Number      string
	Date        string
	Signer      string
	SignerTitle string
	Wards       []Pick
	Errors      map[string]string
	ErrorItems  string
}

// DecisionPage is one decision: its facts, its wards, its file, and while
// a draft the ways to issue it.
type DecisionPage struct {
	Page
	Flash        string
	FlashArgs    []any
	Number       string
	Date         string
	LevelWord    string
	Signer       string
	SignerTitle  string
	Issued       bool
	OnPaper      bool
	IssuedAt     *time.Time
	SignedBy     string
	PortalSigned bool
	SHA256       string
	FileHref     string
	Wards        []DecisionWardRow
	// Issue is set while a draft may be issued by the user; PortalKey
	// names the key the portal signs with, "" when it has none.
	Issue     *IssueForm
	PortalKey string
}

// DecisionWardRow is a ward of a decision.
type DecisionWardRow struct {
	Name, Province  string
	Href            string
	Standing        string
	CertificateHref string
	VerifyHref      string
	Revoked         string
}

// IssueForm issues a draft: signed by the portal, or uploaded signed.
type IssueForm struct {
	Action string
	Error  string
}

// VerifyPage is the public verification of a certificate.
type VerifyPage struct {
	Page
	Found        bool
	Ward         string
	Province     string
	Year         int
	LevelWord    string
	Number       string
	Date         string
	OnPaper      bool
	SHA256       string
	DecisionHref string
	Revoked      bool
	RevokedOn    string
	RevokeNo     string
	RevokeReason string
}
