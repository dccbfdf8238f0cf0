package web

// LoginPage is the sign-in page.
type LoginPage struct {
	Page
	Form LoginForm
}

// LoginForm is the sign-in form as typed, with what is wrong with it.
type LoginForm struct {
	Username string
	Next     string
	// Field is the field the error concerns ("username", "password"), or
	// empty for the form as a whole; Error is the message key.
	Field string
	Error string
}
