package store_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/internal/testdb"
)

func officer(t *testing.T, st *store.Store) assess.Actor {
	t.Helper()
	u, err := st.UserByUsername(context.Background(), "phula")
	if err != nil {
		t.Fatal(err)
	}
	return u.Actor()
}

// register puts a ward on the list of a year, as its province would.
func register(t *testing.T, st *store.Store, year int, code string) {
	t.Helper()
	err := st.Transact(context.Background(), func(tx pgx.Tx) error {
		_, err := tx.Exec(context.Background(), `INSERT INTO registrations (year, ward_id, level) VALUES ($1, unit_in_year($2, $1), 'ministry')`, year, code)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func countRows(t *testing.T, st *store.Store, sql string, args ...any) int {
	t.Helper()
	var n int
	err := st.Transact(context.Background(), func(tx pgx.Tx) error { return tx.QueryRow(context.Background(), sql, args...).Scan(&n) })
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSaveResult(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	who := officer(t, st)
	register(t, st, 2022, "09552")

	// The first save of a year creates the assessment, in draft.
	saved, err := st.SaveResult(ctx, who, store.ResultChange{Year: 2022, Ward: "09552", Number: 13, Status: assess.Met, Value: "91.5", Note: "Quý III", Version: 0})
	if err != nil {
		t.Fatal(err)
	}
	if saved.Version != 1 || saved.Value != "91.5" || saved.Status != assess.Met {
		t.Errorf("saved %+v", saved)
	}
	a, err := st.Assessment(ctx, 2022, "09552")
	if err != nil || !a.Exists || a.State != assess.Draft || a.Results[13].Note != "Quý III" || a.Results[13].UpdatedBy != "Công an phường Kiến Hưng" {
		t.Fatalf("assessment after first save: %+v, %v", a, err)
	}
	if n := countRows(t, st, `SELECT count(*) FROM audit_log WHERE action = 'result_update' AND entity_key = '09552/2022/13' AND before->>'status' = 'not_started' AND after->>'value' = '91.5'`); n != 1 {
		t.Errorf("%d audit rows for the save, want 1", n)
	}

	// A stale version is refused with what is stored now, and changes nothing.
	_, err = st.SaveResult(ctx, who, store.ResultChange{Year: 2022, Ward: "09552", Number: 13, Status: assess.NotMet, Value: "80", Version: 0})
	var stale *store.StaleError
	if !errors.As(err, &stale) || stale.Current.Version != 1 || stale.Current.Value != "91.5" {
		t.Fatalf("stale save: %v", err)
	}
	if a, _ := st.Assessment(ctx, 2022, "09552"); a.Results[13].Value != "91.5" {
		t.Errorf("a stale save changed the value to %s", a.Results[13].Value)
	}

	// Dashboards see the change at once.
	wards, _ := st.WardStandings(ctx, 2022, "268")
	for _, w := range wards {
		if w.Code == "09552" && (w.Standing.Met != 1 || w.State != assess.Draft || w.Statuses[12] != assess.Met) {
			t.Errorf("dashboard row after save: %+v", w)
		}
	}
}

// Many editors save the same result from the same version at once: exactly
// one wins, the others are told it is stale, and the audit log holds one
// row per successful save.
func TestConcurrentSavesOfOneResult(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	who := officer(t, st)
	register(t, st, 2022, "09552")
	const editors = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, stales := 0, 0
	for i := range editors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := st.SaveResult(ctx, who, store.ResultChange{Year: 2022, Ward: "09552", Number: 2, Status: assess.InProgress, Note: string(rune('a' + i)), Version: 0})
			mu.Lock()
			defer mu.Unlock()
			var stale *store.StaleError
			switch {
			case err == nil:
				wins++
			case errors.As(err, &stale):
				stales++
			default:
				t.Errorf("editor %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || stales != editors-1 {
		t.Errorf("%d saves won and %d were stale; want 1 and %d", wins, stales, editors-1)
	}
	if n := countRows(t, st, `SELECT count(*) FROM audit_log WHERE action = 'result_update' AND entity_key = '09552/2022/2'`); n != wins {
		t.Errorf("%d audit rows for %d successful saves", n, wins)
	}
	if n := countRows(t, st, `SELECT count(*) FROM assessments WHERE ward_id = unit_in_year('09552', 2022) AND year = 2022`); n != 1 {
		t.Errorf("%d assessments", n)
	}
}

func TestEvidenceAndWorkflow(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	who := officer(t, st)
	register(t, st, 2022, "09552")
	content := []byte("%PDF-1.4\n%%EOF\n")
	sum := sha256.Sum256(content)
	id, err := st.AddEvidence(ctx, who, store.NewEvidence{Year: 2022, Ward: "09552", Number: 13, Title: "Báo cáo quý III",
		Dated: time.Date(2022, 9, 30, 0, 0, 0, 0, time.UTC), Filename: "bc.pdf", ContentType: assess.TypePDF, Content: content, SHA256: sum[:]})
	if err != nil {
		t.Fatal(err)
	}
	e, err := st.EvidenceByID(ctx, id)
	if err != nil || e.Ward != "09552" || e.Year != 2022 || e.Size != int64(len(content)) || string(e.SHA256) != string(sum[:]) {
		t.Fatalf("evidence %+v, %v", e, err)
	}
	if b, err := st.EvidenceContent(ctx, id); err != nil || string(b) != string(content) {
		t.Fatalf("content %q, %v", b, err)
	}
	if err := st.RemoveEvidence(ctx, who, "09552", 2022, id, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := st.RemoveEvidence(ctx, who, "09552", 2022, id, time.Time{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second removal: %v", err)
	}
	v, _ := st.WardView(ctx, 2022, "09552")
	list := v.Evidence
	if len(list) != 1 || list[0].RemovedAt == nil || list[0].RemovedBy != "Công an phường Kiến Hưng" {
		t.Errorf("removed evidence is not kept as removed: %+v", list)
	}

	// Workflow: submit, then nothing can change; return needs a reason;
	// a returned assessment is open again.
	if _, err := st.ChangeState(ctx, who, store.StateChange{Ward: "09552", Year: 2022, Action: assess.Submit}); err != nil {
		t.Fatal(err)
	}
	_, err = st.SaveResult(ctx, who, store.ResultChange{Year: 2022, Ward: "09552", Number: 2, Status: assess.Met})
	if !errors.Is(err, store.ErrState) {
		t.Errorf("save after submit: %v", err)
	}
	_, err = st.AddEvidence(ctx, who, store.NewEvidence{Year: 2022, Ward: "09552", Number: 2, Title: "x", Dated: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), ContentType: assess.TypePDF, Content: content, SHA256: sum[:]})
	if !errors.Is(err, store.ErrState) {
		t.Errorf("evidence after submit: %v", err)
	}
	if _, err := st.ChangeState(ctx, who, store.StateChange{Ward: "09552", Year: 2022, Action: assess.Submit}); !errors.Is(err, store.ErrState) {
		t.Errorf("second submit: %v", err)
	}
	if _, err := st.ChangeState(ctx, who, store.StateChange{Ward: "09552", Year: 2022, Action: assess.Return}); !errors.Is(err, store.ErrState) {
		t.Errorf("return without reason: %v", err)
	}
	to, err := st.ChangeState(ctx, who, store.StateChange{Ward: "09552", Year: 2022, Action: assess.Return, Reason: "Thiếu minh chứng tiêu chí 13"})
	if err != nil || to != assess.Returned {
		t.Fatalf("return: %s %v", to, err)
	}
	a, _ := st.Assessment(ctx, 2022, "09552")
	if a.State != assess.Returned || a.ReturnReason != "Thiếu minh chứng tiêu chí 13" {
		t.Errorf("after return: %s %q", a.State, a.ReturnReason)
	}
	if _, err := st.SaveResult(ctx, who, store.ResultChange{Year: 2022, Ward: "09552", Number: 2, Status: assess.Met}); err != nil {
		t.Errorf("save after return: %v", err)
	}
	// Recognition needs every criterion met.
	if _, err := st.ChangeState(ctx, who, store.StateChange{Ward: "09552", Year: 2022, Action: assess.Submit}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ChangeState(ctx, who, store.StateChange{Ward: "09552", Year: 2022, Action: assess.Approve}); err != nil {
		t.Fatal(err)
	}
	d := time.Date(2025, 4, 22, 0, 0, 0, 0, time.UTC)
	if _, err := st.ChangeState(ctx, who, store.StateChange{Ward: "09552", Year: 2022, Action: assess.Recognize, DecisionNo: "2878", DecisionDate: &d}); !errors.Is(err, store.ErrState) {
		t.Errorf("recognising 1/22: %v", err)
	}
	if n := countRows(t, st, `SELECT count(*) FROM audit_log WHERE entity = 'assessment' AND entity_key = '09552/2022'`); n != 4 {
		t.Errorf("%d workflow audit rows, want 4 (submit, return, submit, approve)", n)
	}
	// Submitting a ward that has recorded nothing is refused.
	if _, err := st.ChangeState(ctx, who, store.StateChange{Ward: "09541", Year: 2022, Action: assess.Submit}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("submit of nothing: %v", err)
	}
	h, err := st.History(ctx, "09552", 2022, 0, 100)
	if err != nil || len(h) != 7 {
		t.Errorf("timeline has %d entries, want 7: %v", len(h), err)
	}
}
