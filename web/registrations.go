package web

import "time"

// RegistrationsPage is a province's list of wards registered for a year,
// with the Ministry's quota and the forms that change them.
type RegistrationsPage struct {
	Page
	Province     string
	ProvinceType string // tinh or thanh_pho: the words of the city level
	Href         string // the page itself
	Quota        *int
	Ministry     int // registered at the Ministry's level
	City         int // registered at the province's level
	CanSetQuota  bool
	Flash        string
	FlashArgs    []any
	Rows         []RegistrationRow
	// Query is the search typed; Candidates the wards it finds that are
	// not registered yet.
	Query      string
	Candidates []CandidateRow
	Form       RegistrationForm
	QuotaForm  QuotaForm
	// Due is the year's registration deadline (nil: none); Closed says it
	// has passed; MayRegister whether this user may still register
	// (after the deadline, the Ministry only, each marked late); Refused
	// that a registration was just refused for lateness.
	Due         *time.Time
	Closed      bool
	MayRegister bool
	Refused     bool
}

// Over is how many Ministry-level registrations exceed the quota, 0 when
// none do.
func (p RegistrationsPage) Over() int {
	return QuotaOver(p.Quota, p.Ministry)
}

// QuotaOver is how many of ministry Ministry-level registrations exceed
// the quota, 0 when none do or there is no quota.
func QuotaOver(quota *int, ministry int) int {
	if quota == nil || ministry <= *quota {
		return 0
	}
	return ministry - *quota
}

// LevelWord is how the page names a level.
func (p RegistrationsPage) LevelWord(level string) string {
	return LevelWord(p.Lang, level, p.ProvinceType)
}

// RegistrationRow is one registered ward.
type RegistrationRow struct {
	Code         string
	Name         string
	District     string
	Href         string
	Level        string
	RegisteredBy string
	RegisteredAt time.Time
	// Late says it was made after the registration deadline.
	Late bool
	// RemoveAction is where to post its removal; empty once the ward has
	// an assessment (it can no longer be removed).
	RemoveAction string
}

// CandidateRow is a ward a search found, not registered yet.
type CandidateRow struct {
	Code string
	Name string
}

// RegistrationForm is the form that registers a ward, as typed.
type RegistrationForm struct {
	WardCode string
	Level    string
	Errors   map[string]string
}

// QuotaForm is the form that sets the quota, as typed.
type QuotaForm struct {
	Quota  string
	Errors map[string]string
}
