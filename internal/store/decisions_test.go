package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
	"modelward/internal/testdb"
)

// The wards a decision may recognise are those recognition's rule
// allows, in SQL as in Go: in the demo's 2026, Ba Đình (inspected,
// proposed) and no other; a draft over another is refused naming it.
func TestEligibleWards(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	list, err := st.EligibleWards(ctx, 2026, "ministry", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Code != "00004" {
		t.Errorf("eligible: %+v", list)
	}
	_, err = st.CreateDecision(ctx, assess.Actor{Username: "test"}, store.NewDecision{Year: 2026, Level: "ministry", Number: "1/QĐ",
		DecidedOn: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Wards: []string{"00004", "00097"}}, func(store.Decision) ([]byte, error) { return []byte("%PDF"), nil })
	var refused *store.DecisionError
	if !errors.As(err, &refused) || refused.Reason != "bar" || len(refused.Items) != 1 || refused.Items[0] != "00097" {
		t.Errorf("a draft over Hồng Hà: %v", err)
	}
}

func TestDecisionsRead(t *testing.T) {
	st, _ := testdb.Open(t, true)
	if _, err := st.Decisions(context.Background(), 2026); err != nil {
		t.Fatal(err)
	}
}
