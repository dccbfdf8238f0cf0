package seed_test

import (
	"context"
	"os"
	"testing"

	"modelward/internal/seed"
	"modelward/internal/testdb"
)

func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }

// A second load changes nothing: seed --demo may run on every start.
func TestLoadIsIdempotent(t *testing.T) {
	st, _ := testdb.Open(t, true)
	ctx := context.Background()
	before, err := st.WardStandings(ctx, 2023, "VN")
	if err != nil {
		t.Fatal(err)
	}
	d, err := seed.Demo(seed.DemoDay)
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.Load(ctx, st, d); err != nil {
		t.Fatalf("second load: %v", err)
	}
	after, err := st.WardStandings(ctx, 2023, "VN")
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != len(after) {
		t.Fatalf("%d wards before, %d after", len(before), len(after))
	}
	for i := range before {
		if before[i].Standing != after[i].Standing || before[i].State != after[i].State {
			t.Errorf("%s changed: %+v → %+v", before[i].Code, before[i], after[i])
		}
	}
}
