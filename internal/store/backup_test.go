package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"modelward/internal/assess"
	"modelward/internal/pgcluster"
	"modelward/internal/store"
	"modelward/internal/testdb"
)

// A backup made with pg_dump and restored with pg_restore into a fresh
// database gives the same summary export and the same evidence, byte for
// byte: the README's backup procedure, tested.
func TestBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	st, url := testdb.Open(t, true)
	who := officer(t, st)
	content := []byte("%PDF-1.4\n% biên bản\n%%EOF\n")
	sum := sha256.Sum256(content)
	if _, err := st.AddEvidence(ctx, who, store.NewEvidence{Year: 2026, Ward: "09552", Number: 13, Title: "Biên bản",
		Dated: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), ContentType: assess.TypePDF, Content: content, SHA256: sum[:]}); err != nil {
		t.Fatal(err)
	}
	dump := filepath.Join(t.TempDir(), "modelward.dump")
	run := func(name string, args ...string) {
		t.Helper()
		bin, err := pgcluster.Binary(name)
		if err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
	}
	run("pg_dump", "--format=custom", "--file="+dump, "--dbname="+url)
	restored := testdb.Empty(t)
	run("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname="+restored, dump)

	st2, err := store.Open(ctx, restored)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	for year, criteria := range map[int]int{2022: 22, 2023: 22, 2024: 20, 2025: 20, 2026: 20} {
		var a, b bytes.Buffer
		if err := st.CopySummaryCSV(ctx, year, "VN", criteria, &a); err != nil {
			t.Fatal(err)
		}
		if err := st2.CopySummaryCSV(ctx, year, "VN", criteria, &b); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() || a.Len() == 0 {
			t.Errorf("%d: the summary differs after restore", year)
		}
	}
	v, err := st2.WardView(ctx, 2026, "09552")
	list := v.Evidence
	if err != nil || len(list) != 1 || !bytes.Equal(list[0].SHA256, sum[:]) {
		t.Fatalf("evidence after restore: %+v, %v", list, err)
	}
	b, err := st2.EvidenceContent(ctx, list[0].ID)
	if got := sha256.Sum256(b); err != nil || got != sum {
		t.Errorf("the restored file's SHA-256 differs")
	}
	// The restored database keeps working: its migrations are all there.
	if applied, err := store.Migrate(ctx, restored); err != nil || len(applied) != 0 {
		t.Errorf("migrate after restore: %v, %v", applied, err)
	}
}
