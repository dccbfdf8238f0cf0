package web

import "time"

// TokensPage lists API tokens and issues new ones.
type TokensPage struct {
	Page
	Tokens []TokenRow
	Form   TokenForm
	// Secret is a token just issued, shown once.
	Secret string
	Flash  string
}

// TokenRow is one API token.
type TokenRow struct {
	ID         int64
	Name       string
	Username   string
	CreatedBy  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	ExpiresAt  time.Time
	Expired    bool
	RevokeURL  string
}

// TokenForm is the issue form as typed.
type TokenForm struct {
	Username string
	Name     string
	Days     string
	Errors   map[string]string
}
