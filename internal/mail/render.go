package mail

import (
	"html"
	"strings"

	"modelward/internal/store"
	"modelward/web"
)

// Notices renders the outbox's mail in Vietnamese: a notice's subject
// names the ward and what happened, the body says what the notice says —
// no personal data beyond it — with the link to the page where the user
// acts, as plain text and as HTML. base is the portal's address
// (BASE_URL), which links start from.
func Notices(base string) func(store.OutgoingMail) Message {
	base = strings.TrimRight(base, "/")
	l := web.VI
	return func(m store.OutgoingMail) Message {
		if m.Notice == nil {
			return Message{Subject: m.Subject, Text: m.Text}
		}
		what := web.NoticeText(l, m.Notice.Kind, m.Notice.Args)
		link := base + m.Notice.Href
		subject := l.T("mail.subject", what)
		if ward := m.Notice.Args; len(ward) > 0 {
			subject = l.T("mail.subject.ward", ward[0], l.T("mail.kind."+m.Notice.Kind))
		}
		footer := l.T("mail.footer", base+"/me")
		text := what + "\n\n" + l.T("mail.open") + " " + link + "\n\n-- \n" + footer + "\n"
		body := "<p>" + html.EscapeString(what) + "</p>\n<p><a href=\"" + html.EscapeString(link) + "\">" + html.EscapeString(l.T("mail.open")) +
			"</a></p>\n<p style=\"color:#555;font-size:smaller\">" + html.EscapeString(footer) + "</p>\n"
		return Message{Subject: subject, Text: text, HTML: body}
	}
}
