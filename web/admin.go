package web

import "time"

// AdminUsersPage lists users for an admin, with filters and a form to add one.
type AdminUsersPage struct {
	Page
	Filter    UserFilter
	Users     []UserRow
	Roles     []string
	Form      NewUserForm
	Flash     string // a message key
	FlashArgs []any
	Secret    string // a password just set, shown once
	SecretFor string
	// Self is the signed-in admin, whose own row offers no "disable".
	Self string
}

// UserFilter is the list's filters as the admin set them.
type UserFilter struct {
	Role   string
	Unit   string
	Query  string
	Active string // "", "true", "false"
}

// UserRow is one user in the list.
type UserRow struct {
	Username  string
	FullName  string
	Role      string
	UnitCode  string
	UnitName  string
	Active    bool
	CreatedAt time.Time
	// LockedUntil says, in words, until when failed sign-ins lock the
	// account; empty when they do not.
	LockedUntil string
	// HasFactor says the user signs in with a second factor.
	HasFactor bool
}

// NewUserForm is the form to add a user, as typed, with its errors by field.
type NewUserForm struct {
	Username string
	FullName string
	Role     string
	Unit     string
	Email    string
	Errors   map[string]string // field → message key
}
