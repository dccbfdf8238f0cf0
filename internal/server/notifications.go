package server

import (
	"fmt"
	"net/http"
	"strconv"

	"modelward/web"
)

// noticesPage is how many notices the page shows at once.
const noticesPage = 50

// notifications lists the user's notices, newest first, unread marked.
func (s *Server) notifications(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	list, err := s.store.Notifications(r.Context(), u.ID, before, noticesPage+1)
	if err != nil {
		return err
	}
	l := langOf(r)
	p := web.NotificationsPage{Page: s.frame(r, l.T("notices.title"), 0, nil, nil, nil), Unread: u.Unread}
	if len(list) > noticesPage {
		list = list[:noticesPage]
		p.OlderHref = fmt.Sprintf("/notifications?before=%d", list[len(list)-1].ID)
	}
	for _, n := range list {
		p.Rows = append(p.Rows, web.NoticeRow{Text: web.NoticeText(l, n.Kind, n.Args), Href: fmt.Sprintf("/notifications/%d", n.ID),
			At: n.CreatedAt, Unread: n.ReadAt == nil})
	}
	return renderHTML(w, r, http.StatusOK, web.Notifications(p))
}

// openNotification marks a notice read and goes to the page it is about.
func (s *Server) openNotification(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(urlParam(r, "id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	href, err := s.store.OpenNotification(r.Context(), userOf(r).ID, id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, localPath(href), http.StatusSeeOther) // #nosec G710 -- a path the portal stored, and localPath lets through only this site's
	return nil
}

// readAllNotifications marks every notice of the user read.
func (s *Server) readAllNotifications(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.store.ReadAllNotifications(r.Context(), userOf(r).ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/notifications", http.StatusSeeOther)
	return nil
}
