package server

import (
	"io"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/klauspost/compress/gzip"

	"modelward/web"
)

// Handler is the portal: every route, built once by New.
func (s *Server) Handler() http.Handler { return s.handler }

// routes lists every route of the portal, in one list. New keeps what it
// returns as s.handler, through which a form sent after its session
// ended is replayed once the user has signed in (resume.go).
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(s.logRequests)
	r.Use(middleware.Recoverer)
	r.Use(s.securityHeaders)
	// For slow connections: pages, styles, scripts and data compressed,
	// at gzip's fastest level (a page shrinks five- to twentyfold even so,
	// and the CPU it costs is the portal's, at every request).
	compress := middleware.NewCompressor(1, "text/html", "text/css", "text/javascript", "application/json", "text/csv", "image/svg+xml", "application/atom+xml")
	// klauspost/compress (already here, through the metrics' library)
	// writes the same gzip at about twice the speed of the standard one.
	compress.SetEncoder("gzip", func(w io.Writer, level int) io.Writer {
		gw, err := gzip.NewWriterLevel(w, level)
		if err != nil {
			return nil
		}
		return gw
	})
	r.Use(compress.Handler)
	r.Use(limitBody)
	r.Use(s.readYourWrites)
	r.Use(withLang)
	r.Use(s.textQuery)

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Handle("/static/*", staticFiles())
	r.Get("/favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, web.Asset("favicon.svg"), http.StatusMovedPermanently)
	})
	r.Get("/lang", s.switchLang)
	// The public list of model wards: no sign-in, no session.
	r.Get("/public", s.page(s.publicLatest))
	r.Get("/public/feed.xml", s.page(s.publicFeed))
	r.Get("/public/{year}", s.page(s.publicYear))
	// A certificate's QR code opens its verification: no sign-in.
	r.Get("/public/verify/{token}", s.page(s.verifyRecognition))
	r.Get("/public/verify/{token}/decision.pdf", s.page(s.verifiedDecision))

	r.Group(func(r chi.Router) {
		r.Use(s.loadSession)
		r.Use(s.loadUser)

		r.Get("/metrics", s.page(s.serveMetrics))
		r.Get("/login", s.page(s.loginForm))
		r.Post("/login", s.page(s.login))
		r.Post("/login/code", s.page(s.loginCode))
		r.Post("/login/enrol", s.page(s.loginEnrol))
		r.Post("/logout", s.page(s.logout))
		// A mailed link, opened signed in or not (meConfirmEmail).
		r.Get("/me/email/confirm", s.page(s.meConfirmEmail))
		// Issued decisions are public acts: listed and read signed in or
		// not; drafts only by those who decide (decisions.go).
		r.Get("/{year}/decisions", s.page(s.decisions))
		r.Get("/{year}/decisions/{id}", s.page(s.decisionOrFile))

		r.Group(func(r chi.Router) {
			r.Use(s.requireSignIn)
			r.Use(s.requireOwnPassword)

			r.Get("/", s.page(s.home))
			r.Get("/me", s.page(s.me))
			r.Get("/notifications", s.page(s.notifications))
			r.Get("/notifications/{id}", s.page(s.openNotification))
			r.Post("/notifications/read", s.page(s.readAllNotifications))
			r.Post("/me/password", s.page(s.changePassword))
			r.Post("/me/email", s.page(s.meEmail))
			r.Post("/me/mail", s.page(s.meMail))
			r.Get("/me/factor", s.page(s.meFactor))
			r.Post("/me/factor", s.page(s.meEnrol))
			r.Post("/me/factor/remove", s.page(s.meRemoveFactor))
			r.Post("/me/sessions/{id}/end", s.page(s.endMySession))
			r.Get("/{year}/units/{code}", s.page(s.dashboard))
			r.Get("/{year}/units/{code}/registrations", s.page(s.registrations))
			r.Post("/{year}/units/{code}/registrations", s.page(s.register))
			r.Post("/{year}/units/{code}/registrations/quota", s.page(s.setQuota))
			r.Post("/{year}/units/{code}/registrations/{ward}/remove", s.page(s.unregister))
			r.Get("/{year}/units/{code}/summary.csv", s.page(s.summaryCSV))
			r.Get("/{year}/units/{code}/summary.xlsx", s.page(s.summary(summaryXLSX)))
			r.Get("/{year}/units/{code}/summary.pdf", s.page(s.summary(summaryPDF)))
			r.Get("/{year}/units/{code}/changes", s.page(s.changes))
			r.Get("/{year}/units/{code}/results", s.page(s.resultsPage))
			r.Get("/{year}/units/{code}/results.xlsx", s.page(s.resultsTemplate("xlsx")))
			r.Get("/{year}/units/{code}/results.csv", s.page(s.resultsTemplate("csv")))
			r.With(allowBody(maxImportRequest)).Post("/{year}/units/{code}/results/import", s.page(s.importResults))
			r.Get("/{year}/wards/{code}", s.page(s.ward))
			r.Get("/{year}/wards/{code}/criteria/{n}", s.page(s.criterionPage))
			r.With(allowBody(maxEvidenceRequest)).Post("/{year}/wards/{code}/criteria/{n}", s.page(s.saveCriterion))
			r.With(allowBody(maxEvidenceRequest)).Post("/{year}/wards/{code}/criteria/{n}/evidence", s.page(s.uploadEvidence))
			r.Get("/{year}/wards/{code}/evidence/{id}/remove", s.page(s.confirmRemoveEvidence))
			r.Post("/{year}/wards/{code}/evidence/{id}/remove", s.page(s.removeEvidence))
			r.Get("/{year}/wards/{code}/submit", s.page(s.submitForm))
			r.Post("/{year}/wards/{code}/submit", s.page(s.submit))
			r.Get("/{year}/wards/{code}/history", s.page(s.wardHistory))
			r.Get("/{year}/wards/{code}/dossier.pdf", s.page(s.dossier))
			r.Post("/{year}/wards/{code}/criteria/{n}/comments", s.page(s.comment))
			r.Post("/{year}/wards/{code}/criteria/{n}/appraisal", s.page(s.appraise))
			r.Post("/{year}/wards/{code}/review", s.page(s.review))
			r.Post("/{year}/wards/{code}/recognize", s.page(s.recognize))
			r.Post("/{year}/wards/{code}/revoke", s.page(s.revoke))
			r.Post("/{year}/wards/{code}/reopen", s.page(s.reopen))
			r.Post("/{year}/wards/{code}/extension", s.page(s.extend))
			r.Post("/{year}/wards/{code}/extension/revoke", s.page(s.revokeExtension))
			r.Post("/{year}/decisions", s.page(s.draftDecision))
			r.With(allowBody(maxEvidenceRequest)).Post("/{year}/decisions/{id}/issue", s.page(s.issueDecision))
			r.Get("/{year}/wards/{code}/certificate.pdf", s.page(s.certificate))
			r.Get("/{year}/inspections", s.page(s.inspections))
			r.Post("/{year}/inspections", s.page(s.planInspection))
			r.Get("/{year}/inspections/{id}", s.page(s.inspection))
			r.Get("/{year}/inspections/{id}/wards/{code}", s.page(s.sheetOrRecord))
			r.With(allowBody(maxEvidenceRequest)).Post("/{year}/inspections/{id}/wards/{code}/criteria/{n}", s.page(s.saveFinding))
			r.Post("/{year}/inspections/{id}/wards/{code}/conclude", s.page(s.concludeVisit))
			r.Get("/{year}/calendar", s.page(s.calendar))
			r.Get("/evidence/{id}", s.page(s.downloadEvidence))
			r.Get("/evidence/{id}/thumb", s.page(s.evidencePicture(false)))
			r.Get("/evidence/{id}/preview", s.page(s.evidencePicture(true)))

			// The administrator's pages, every one behind the same check.
			r.Group(func(r chi.Router) {
				r.Use(s.adminOnly)
				r.Get("/admin/catalogues", s.page(s.adminCatalogues))
				r.Post("/admin/catalogues", s.page(s.adminCopyCatalogue))
				r.Get("/admin/catalogues/{year}", s.page(s.adminCatalogue))
				r.Post("/admin/catalogues/{year}/year-end", s.page(s.adminSetYearEnd))
				r.Post("/admin/catalogues/{year}/calendar", s.page(s.adminSetCalendar))
				r.Post("/admin/catalogues/{year}/criteria", s.page(s.adminSaveCriterion))
				r.Get("/admin/catalogues/{year}/criteria/{n}", s.page(s.adminCriterion))
				r.Post("/admin/catalogues/{year}/criteria/{n}", s.page(s.adminSaveCriterion))
				r.Get("/admin/catalogues/{year}/criteria/{n}/remove", s.page(s.adminConfirmRemoveCriterion))
				r.Post("/admin/catalogues/{year}/criteria/{n}/remove", s.page(s.adminRemoveCriterion))
				r.Get("/admin/units", s.page(s.adminUnits))
				r.Post("/admin/units/import", s.page(s.adminImport))
				r.Post("/admin/units/deactivate", s.page(s.adminDeactivateUnit))
				r.Get("/admin/tokens", s.page(s.adminTokens))
				r.Post("/admin/tokens", s.page(s.adminCreateToken))
				r.Get("/admin/tokens/{id}/revoke", s.page(s.adminConfirmRevoke))
				r.Post("/admin/tokens/{id}/revoke", s.page(s.adminRevokeToken))
				r.Get("/admin/audit", s.page(s.adminAudit))
				r.Get("/admin/audit.csv", s.page(s.adminAuditCSV))
				r.Get("/admin/access", s.page(s.adminAccess))
				r.Get("/admin/access.csv", s.page(s.adminAccessCSV))
				r.Post("/admin/access", s.page(s.adminRecordAccessReview))
				r.Get("/admin/users", s.page(s.adminUsers))
				r.Post("/admin/users", s.page(s.adminCreateUser))
				r.Get("/admin/users/{username}/disable", s.page(s.adminConfirmDisable))
				r.Post("/admin/users/{username}/active", s.page(s.adminSetActive))
				r.Get("/admin/users/{username}/password", s.page(s.adminConfirmReset))
				r.Post("/admin/users/{username}/password", s.page(s.adminResetPassword))
				r.Post("/admin/users/{username}/sessions/end", s.page(s.adminEndSessions))
				r.Post("/admin/users/{username}/unlock", s.page(s.adminUnlock))
				r.Get("/admin/users/{username}/factor", s.page(s.adminConfirmResetFactor))
				r.Post("/admin/users/{username}/factor", s.page(s.adminResetFactor))
			})
		})
	})

	// The API for other Ministry systems: a session or a bearer token.
	r.Route("/api/v1", func(r chi.Router) {
		r.Use(s.sessions.LoadAndSave)
		r.Use(s.loadUser)
		r.Use(s.apiAuth)
		r.Get("/units", s.api(s.apiUnits))
		r.Get("/{year}/units/{code}/summary", s.api(s.apiSummary))
	})

	r.NotFound(s.page(func(w http.ResponseWriter, r *http.Request) error { return errNotFound }))
	r.MethodNotAllowed(s.page(func(w http.ResponseWriter, r *http.Request) error {
		return &Error{Status: http.StatusMethodNotAllowed, Key: "err.method"}
	}))

	// Cross-origin protection refuses unsafe requests sent by other sites
	// (the session cookie is SameSite=Lax as well).
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.page(func(w http.ResponseWriter, r *http.Request) error {
		return &Error{Status: http.StatusForbidden, Key: "err.crossorigin"}
	}))
	return cop.Handler(r)
}
