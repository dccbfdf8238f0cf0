package mail

import (
	"html"
	"strings"

	"modelward/internal/store"
	"modelward/internal/words"
)

// Notices renders the outbox's mail in Vietnamese: a notice's subject
// names the ward and what happened, the body says what the notice says —
// no personal data beyond it — with the link to the page where the user
// acts, as plain text and as HTML. base is the portal's address
// (BASE_URL), which links start from.
//
// Notices gathered for one address make one mail: its subject counts them,
// its body lists each with its link.
func Notices(base string) func([]store.OutgoingMail) Message {
	base = strings.TrimRight(base, "/")
	l := words.VI
	footer := l.T("mail.footer", base+"/me")
	return func(group []store.OutgoingMail) Message {
		m := group[0]
		if m.Notice == nil {
			return Message{Subject: m.Subject, Text: m.Text}
		}
		if len(group) == 1 {
			what := words.NoticeText(l, m.Notice.Kind, m.Notice.Args)
			link := base + m.Notice.Href
			subject := l.T("mail.subject", what)
			if ward := m.Notice.Args; len(ward) > 0 {
				subject = l.T("mail.subject.ward", ward[0], l.T("mail.kind."+m.Notice.Kind))
			}
			text := what + "\n\n" + l.T("mail.open") + " " + link + "\n\n-- \n" + footer + "\n"
			body := "<p>" + html.EscapeString(what) + "</p>\n<p><a href=\"" + html.EscapeString(link) + "\">" + html.EscapeString(l.T("mail.open")) +
				"</a></p>\n<p style=\"color:#555;font-size:smaller\">" + html.EscapeString(footer) + "</p>\n"
			return Message{Subject: subject, Text: text, HTML: body}
		}
		var text, body strings.Builder
		text.WriteString(l.T("mail.digest.intro", len(group)) + "\n\n")
		body.WriteString("<p>" + html.EscapeString(l.T("mail.digest.intro", len(group))) + "</p>\n<ul>\n")
		for _, g := range group {
			what := words.NoticeText(l, g.Notice.Kind, g.Notice.Args)
			link := base + g.Notice.Href
			text.WriteString("- " + what + "\n  " + link + "\n")
			body.WriteString("<li><a href=\"" + html.EscapeString(link) + "\">" + html.EscapeString(what) + "</a></li>\n")
		}
		text.WriteString("\n-- \n" + footer + "\n")
		body.WriteString("</ul>\n<p style=\"color:#555;font-size:smaller\">" + html.EscapeString(footer) + "</p>\n")
		return Message{Subject: l.T("mail.digest.subject", len(group)), Text: text.String(), HTML: body.String()}
	}
}
