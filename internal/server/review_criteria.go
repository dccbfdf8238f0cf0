package server

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/web"
)

// returnedInput reads the criteria a return names: the numbers in field
// criteria, and every criterion with a reason (field reason.N); bad says
// a value named no criterion of the year.
func returnedInput(r *http.Request, cat store.Catalogue) (named map[int]string, checked map[int]bool, bad bool) {
	named, checked = map[int]string{}, map[int]bool{}
	known := map[int]bool{}
	for _, c := range cat.Criteria {
		known[c.Number] = true
	}
	for _, v := range r.PostForm["criteria"] {
		n, err := strconv.Atoi(v)
		if err != nil || !known[n] {
			bad = true // not one of the year's criteria: never dropped quietly
			continue
		}
		checked[n] = true
		named[n] = strings.TrimSpace(r.PostForm.Get(fmt.Sprintf("reason.%d", n)))
	}
	// The page's form names a criterion by its reason alone: a reason
	// typed in a criterion's row sends it back.
	for _, c := range cat.Criteria {
		if reason := strings.TrimSpace(r.PostForm.Get(fmt.Sprintf("reason.%d", c.Number))); reason != "" {
			named[c.Number] = reason
		}
	}
	return named, checked, bad
}

// criterionOpen says whether the ward may change criterion n: always,
// but while the assessment is returned for some criteria only, those.
func criterionOpen(v store.WardView, n int) bool {
	if v.Assessment.State != assess.Returned || len(v.Returned) == 0 {
		return true
	}
	_, ok := v.Returned[n]
	return ok
}

// returnCriteriaForm lists the catalogue's criteria for the return form,
// as typed when it comes back.
func returnCriteriaForm(l web.Lang, cat store.Catalogue, reasons map[int]string, checked map[int]bool, errs map[int]string) []web.ReturnCriterion {
	var out []web.ReturnCriterion
	for _, c := range cat.Criteria {
		out = append(out, web.ReturnCriterion{Number: c.Number, Title: pick(l, c.TitleVI, c.TitleEN),
			Checked: checked[c.Number], Reason: reasons[c.Number], Error: errs[c.Number]})
	}
	return out
}

// returnedList is what a return named, for the ward page.
func returnedList(l web.Lang, cat store.Catalogue, v store.WardView, sc unitScope) []web.ReturnedRow {
	if v.Assessment.State != assess.Returned {
		return nil
	}
	var out []web.ReturnedRow
	for _, c := range cat.Criteria {
		if reason, ok := v.Returned[c.Number]; ok {
			out = append(out, web.ReturnedRow{Number: c.Number, Title: pick(l, c.TitleVI, c.TitleEN), Reason: reason, Href: sc.criterionHref(c.Number)})
		}
	}
	return out
}

// changesSince compares the assessment now with what a return or an
// approval saw, criterion by criterion: the result (status, value, note)
// and the evidence added or removed.
func changesSince(l web.Lang, cat store.Catalogue, snap *store.Snapshot, a store.Assessment, evidence []store.Evidence) []web.ChangeRow {
	if snap == nil {
		return nil
	}
	then := map[string]store.SnapshotEvidence{}
	for _, e := range snap.Evidence {
		then[e.SHA256+"/"+strconv.Itoa(e.Number)] = e
	}
	now := map[string]bool{}
	var out []web.ChangeRow
	added := map[int][]string{}
	for _, e := range evidence {
		if e.RemovedAt != nil {
			continue
		}
		key := hex.EncodeToString(e.SHA256) + "/" + strconv.Itoa(e.Number)
		now[key] = true
		if _, ok := then[key]; !ok {
			added[e.Number] = append(added[e.Number], e.Title)
		}
	}
	removed := map[int][]string{}
	for key, e := range then {
		if !now[key] {
			removed[e.Number] = append(removed[e.Number], e.Title)
		}
	}
	for _, c := range cat.Criteria {
		old, cur := snap.Results[c.Number], a.Results[c.Number]
		if old.Status == "" {
			old.Status = string(assess.NotStarted)
		}
		if cur.Status == "" {
			cur.Status = assess.NotStarted
		}
		row := web.ChangeRow{Number: c.Number, Title: pick(l, c.TitleVI, c.TitleEN), Added: added[c.Number], Removed: removed[c.Number]}
		if old.Status != string(cur.Status) {
			row.Status = l.Status(assess.Status(old.Status)) + " → " + l.Status(cur.Status)
		}
		if old.Value != cur.Value {
			row.Value = l.Decimal(old.Value) + " → " + l.Decimal(cur.Value)
		}
		if old.Note != cur.Note {
			row.Note = cur.Note
		}
		if row.Status != "" || row.Value != "" || old.Note != cur.Note || len(row.Added) > 0 || len(row.Removed) > 0 {
			row.NoteChanged = old.Note != cur.Note
			out = append(out, row)
		}
	}
	return out
}
