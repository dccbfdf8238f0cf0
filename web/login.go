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
	// Until is when a throttled sign-in may try again, in words.
	Until string
	// Reason is why sign-in is asked (a message key), empty when the user
	// came to sign in; Resume is the form to send after it, if any.
	Reason string
	Resume *Resume
}

// Resume is a form sent after the session ended, carried through the
// sign-in so that signing in sends it.
type Resume struct {
	Action    string
	Multipart bool
	// FileDropped says the form held a file, which cannot be carried.
	FileDropped bool
	Fields      []Field
}

// Field is one field of a form as typed.
type Field struct {
	Name  string
	Value string
}

// resumeLabels names the fields a person typed, to show them what is kept;
// the others (versions, choices) are carried without being shown.
var resumeLabels = map[string]string{
	"note":          "crit.note",
	"value":         "crit.value",
	"reason":        "review.reason",
	"body":          "comment.add",
	"title":         "evidence.filetitle",
	"dated":         "evidence.dated",
	"decision_no":   "recognize.no",
	"decision_date": "recognize.date",
}

// Typed are the carried fields worth showing, with their labels' keys.
func (r *Resume) Typed() []Field {
	var out []Field
	for _, f := range r.Fields {
		if key, ok := resumeLabels[f.Name]; ok && f.Value != "" {
			out = append(out, Field{Name: key, Value: f.Value})
		}
	}
	return out
}
