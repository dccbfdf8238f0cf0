package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// wardHistory is the timeline of a ward's year: every change to its
// results, evidence and workflow state, newest first.
func (s *Server) wardHistory(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.loadWard(r, assess.Read)
	if err != nil {
		return err
	}
	changes, err := s.store.History(r.Context(), sc.Unit.Code, sc.Year, 0, 500)
	if err != nil {
		return err
	}
	l := langOf(r)
	return renderHTML(w, r, http.StatusOK, web.History(web.HistoryPage{
		Page:     s.frame(r, l.T("history.timeline", sc.Year)+" · "+sc.Unit.Name, sc.Year, nil, sc.Path, nil),
		WardName: sc.Unit.Name,
		WardHref: sc.href(),
		Rows:     historyRows(l, sc.Catalogue, changes),
	}))
}

// historyRows puts audit entries into words.
func historyRows(l web.Lang, cat store.Catalogue, changes []store.Change) []web.HistoryRow {
	units := map[int]assess.Criterion{}
	for _, c := range cat.Criteria {
		units[c.Number] = c
	}
	var rows []web.HistoryRow
	for _, ch := range changes {
		row := web.HistoryRow{At: ch.At, Actor: ch.Actor}
		n := 0
		if i := strings.LastIndexByte(ch.Key, '/'); i >= 0 && strings.Count(ch.Key, "/") == 2 {
			n, _ = strconv.Atoi(ch.Key[i+1:])
		}
		switch {
		case ch.Action == "result_update":
			row.What = l.T("history.result_update", n)
			row.Before = describeResult(l, units[n], ch.Before)
			row.After = describeResult(l, units[n], ch.After)
		case ch.Action == "evidence_add", ch.Action == "inspection_photo_add":
			row.What = l.T("history."+ch.Action, n)
			row.After = describeEvidence(l, ch.After)
		case ch.Action == "appraisal_update", ch.Action == "finding_update":
			row.What = l.T("history."+ch.Action, n)
			row.Before = describeResult(l, units[n], ch.Before)
			row.After = describeResult(l, units[n], ch.After)
		case ch.Action == "inspection_conclude":
			row.What = l.T("history.inspection_conclude")
			row.After = l.T("inspection.proposal." + str(ch.After, "proposal"))
			if note := str(ch.After, "note"); note != "" {
				row.After += ": " + note
			}
		case ch.Action == "evidence_remove":
			row.What = l.T("history.evidence_remove", n)
			row.Before = describeEvidence(l, ch.Before)
		case strings.HasPrefix(ch.Action, "assessment_"):
			row.What = l.T("history.assessment", l.T("action."+strings.TrimPrefix(ch.Action, "assessment_")))
			row.Before = l.State(assess.State(str(ch.Before, "state")))
			row.After = l.State(assess.State(str(ch.After, "state")))
			if reason := str(ch.After, "reason"); reason != "" {
				row.After += ": " + reason
			}
			// A recognition or a revocation names its decision.
			if no := str(ch.After, "decision_no"); no != "" {
				row.After += " — " + l.T("history.decision", no)
			}
		default:
			row.What = ch.Action
		}
		rows = append(rows, row)
	}
	return rows
}

func str(m map[string]any, key string) string {
	if v, ok := m[key]; ok && v != nil {
		return fmt.Sprint(v)
	}
	return ""
}

func describeResult(l web.Lang, c assess.Criterion, rec map[string]any) string {
	if rec == nil {
		return ""
	}
	parts := []string{l.Status(assess.Status(str(rec, "status")))}
	if v := str(rec, "value"); v != "" {
		parts = append(parts, l.WithUnit(v, c.Unit))
	}
	note := str(rec, "note")
	if note == "" {
		note = str(rec, "reason") // an appraisal's
	}
	if note != "" {
		if r := []rune(note); len(r) > 120 {
			note = string(r[:120]) + "…"
		}
		parts = append(parts, "“"+note+"”")
	}
	return strings.Join(parts, " · ")
}

// describeEvidence names a file as a person does, "Báo cáo (PDF, 17 KB)";
// its SHA-256 stays in the audit log and the dossier.
func describeEvidence(l web.Lang, rec map[string]any) string {
	if rec == nil {
		return ""
	}
	what := fileType(str(rec, "type"))
	if size, ok := rec["size"].(float64); ok {
		what += ", " + l.Size(int64(size))
	}
	return str(rec, "title") + " (" + what + ")"
}
