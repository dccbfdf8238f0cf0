package units

import (
	"strings"
	"testing"
	"time"
)

func day(s string) *time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// tree is a piece of the real one: Phú La under Hà Đông until the reform,
// then code 09552 for Kiến Hưng directly under Hà Nội.
var tree = []Unit{
	{ID: 1, Code: "VN", Kind: "ministry", Type: "bo", Name: "Bộ Công an"},
	{ID: 2, Code: "01", Kind: "province", Type: "thanh_pho", Name: "Thành phố Hà Nội"},
	{ID: 3, Code: "268", Kind: "district", Type: "quan", Name: "Quận Hà Đông", Parent: "01", ValidTo: day("2025-06-30")},
	{ID: 4, Code: "09552", Kind: "ward", Type: "phuong", Name: "Phường Phú La", Parent: "268", ValidTo: day("2025-06-30")},
	{ID: 5, Code: "09552", Kind: "ward", Type: "phuong", Name: "Phường Kiến Hưng", Parent: "01", ValidFrom: day("2025-07-01")},
	{ID: 6, Code: "09556", Kind: "ward", Type: "phuong", Name: "Phường Hòa Bình", Parent: "268", ValidTo: day("2025-06-30")},
}

func plan(t *testing.T, csv string) Plan {
	t.Helper()
	lines, problems := ParseUnits(strings.NewReader(csv))
	return PlanUnits(tree, lines, problems)
}

func problemAt(problems []Problem, line int, key string) bool {
	for _, pr := range problems {
		if pr.Line == line && pr.Key == key {
			return true
		}
	}
	return false
}

func TestPlanUnits(t *testing.T) {
	p := plan(t, UnitsHeader+`
09552,ward,phuong,Phường Phú La,268,,2025-06-30
09552,ward,phuong,Phường Kiến Hưng,01,2025-07-01,2026-12-31
09556,ward,phuong,Phường Hoà Bình,268,,2025-06-30
09886,ward,phuong,Phường Dương Nội,01,2025-07-01,
00004,ward,phuong,Phường Ba Đình,01,2027-01-01,
`)
	if !p.OK() {
		t.Fatalf("problems: %+v", p.Problems)
	}
	// "Hoà" in the 2026 lists is the "Hòa" of before: nothing to change.
	if p.Unchanged != 2 {
		t.Errorf("unchanged %d, want 2 (Phú La as it was, Hòa Bình spelled Hoà)", p.Unchanged)
	}
	if len(p.Changes) != 1 || p.Changes[0].Before.ID != 5 || p.Changes[0].After.ID != 5 || p.Changes[0].After.ValidTo == nil {
		t.Errorf("changes: %+v", p.Changes)
	}
	if len(p.Adds) != 2 || p.Adds[0].Unit.ID >= 0 || p.Adds[0].Unit.Code != "09886" {
		t.Errorf("adds: %+v", p.Adds)
	}
	if got := len(p.Final["09552"]); got != 2 {
		t.Errorf("code 09552 names %d units after the import, want 2", got)
	}
}

func TestPlanUnitsEarlierFormat(t *testing.T) {
	p := plan(t, UnitsHeaderV1+`
20001,ward,Xã Ba Chẽ,01,2025-07-01,
02,province,Tỉnh Hà Giang,VN,,2025-06-30
`)
	if !p.OK() {
		t.Fatalf("problems: %+v", p.Problems)
	}
	if p.Adds[0].Unit.Type != "xa" || p.Adds[1].Unit.Type != "tinh" || p.Adds[1].Unit.Parent != "" {
		t.Errorf("types from names, a province under no parent: %+v", p.Adds)
	}
}

func TestPlanUnitsRefuses(t *testing.T) {
	for _, tt := range []struct {
		name string
		csv  string
		line int
		key  string
	}{
		{"header", "code,kind,name\n1,ward,x", 1, "import.err.header"},
		{"empty", "", 1, "import.err.header"},
		{"missing parent", UnitsHeader + "\n30001,ward,phuong,Phường X,999,,", 2, "import.err.parent"},
		{"no parent", UnitsHeader + "\n30001,ward,phuong,Phường X,,,", 2, "import.err.parent"},
		// Hà Đông ended on 30/06/2025: a ward open after it has no parent then.
		{"parent not in force", UnitsHeader + "\n30001,ward,phuong,Phường X,268,2025-01-01,", 2, "import.err.parent"},
		{"two units, one code, one day", UnitsHeader + "\n09552,ward,phuong,Phường Y,01,2025-06-01,", 2, "import.err.overlap"},
		{"two lines, one code, one day", UnitsHeader + "\n30001,ward,phuong,Phường X,01,2025-07-01,\n30001,ward,phuong,Phường Y,01,2026-01-01,", 3, "import.err.overlap"},
		{"duplicate", UnitsHeader + "\n30001,ward,phuong,Phường X,01,,\n30001,ward,phuong,Phường Y,01,,", 3, "import.err.duplicate"},
		{"bad date", UnitsHeader + "\n30001,ward,phuong,Phường X,01,01/07/2025,", 2, "import.err.date"},
		{"span", UnitsHeader + "\n30001,ward,phuong,Phường X,01,2025-07-01,2025-06-30", 2, "import.err.span"},
		{"kind", UnitsHeader + "\n30001,commune,xa,Xã X,01,,", 2, "import.err.kind"},
		{"type", UnitsHeader + "\n30001,ward,huyen,Phường X,01,,", 2, "import.err.type"},
		{"ward under ward", UnitsHeader + "\n30001,ward,phuong,Phường X,09552,2025-07-01,", 2, "import.err.parentkind"},
		{"province under a parent", UnitsHeader + "\n03,province,tinh,Tỉnh X,01,,", 2, "import.err.parentkind"},
		{"code", UnitsHeader + "\n30 01,ward,phuong,Phường X,01,,", 2, "import.err.code"},
		{"name", UnitsHeader + "\n30001,ward,phuong,,01,,", 2, "import.err.name"},
		{"fields", UnitsHeader + "\n30001,ward,phuong,Phường X,01", 2, "import.err.fields"},
		// Ending Hà Đông early leaves Phú La, which the file does not
		// mention, without a parent for its last days.
		{"orphans", UnitsHeader + "\n268,district,quan,Quận Hà Đông,01,,2025-03-31", 0, "import.err.parent"},
	} {
		p := plan(t, tt.csv)
		if p.OK() || !problemAt(p.Problems, tt.line, tt.key) {
			t.Errorf("%s: want %s at line %d, got %+v", tt.name, tt.key, tt.line, p.Problems)
		}
	}
}

func TestSameName(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"Phường Hòa Bình", "Phường Hoà Bình", true},
		{"Xã Thủy Xuân", "Xã Thuỷ Xuân", true},
		{"Phường Hòa Bình", "Phường Hoa Bình", false},
		{"Phường Hòa Bình", "Phường Hóa Bình", false},
		{"Phường Hòa Bình", "Phường Hòa Bình 2", false},
		{"Xã Ba Chẽ", "Xã Ba Chẽ", true},
	} {
		if got := SameName(tt.a, tt.b); got != tt.want {
			t.Errorf("SameName(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

func TestPlanSuccessors(t *testing.T) {
	final := PlanUnits(tree, nil, nil).Final
	existing := []ExistingLink{{OldID: 4, NewID: 5, On: *day("2025-07-01"), Share: "partial"}}
	p := PlanSuccessors(strings.NewReader(SuccessorsHeader+`
09552,09552,2025-07-01,partial,mapping
09556,09552,2025-07-01,partial,mapping
09556,09552,2025-07-02,partial,mapping
09556,09552,2025-07-01,half,mapping
09552,268,2025-07-01,full,mapping
09556,09552,2025-07-01,partial,mapping
`), final, existing)
	if p.Unchanged != 1 || len(p.Adds) != 1 {
		t.Fatalf("plan %+v", p)
	}
	// The old code names the unit in force the day before; the new code the
	// one in force on the day: 09552 → 09552 is Phú La → Kiến Hưng.
	if a := p.Adds[0]; a.Old.ID != 6 || a.New.ID != 5 || a.Share != "partial" {
		t.Errorf("add %+v", a)
	}
	for line, key := range map[int]string{4: "import.err.notinforce", 5: "import.err.share", 6: "import.err.notinforce", 7: "import.err.duplicate"} {
		if !problemAt(p.Problems, line, key) {
			t.Errorf("line %d: want %s in %+v", line, key, p.Problems)
		}
	}
}

func TestPlanSuccessorsEarlierFormat(t *testing.T) {
	final := PlanUnits(tree, nil, nil).Final
	p := PlanSuccessors(strings.NewReader(SuccessorsHeaderV1+"\n09556,09552\n"), final, nil)
	if !p.OK() || len(p.Adds) != 1 || p.Adds[0].On.Format(time.DateOnly) != "2025-07-01" || p.Adds[0].Share != "full" || p.Adds[0].New.ID != 5 {
		t.Errorf("plan %+v", p)
	}
}

func FuzzParseUnits(f *testing.F) {
	f.Add(UnitsHeader + "\n30001,ward,phuong,Phường X,01,,\n")
	f.Add(UnitsHeader + "\n\"a,b\",ward,xa,x,01,2025-01-01,2024-01-01\n")
	f.Add(UnitsHeaderV1 + "\n30001,ward,Phường X,268,,2025-06-30\n")
	f.Fuzz(func(t *testing.T, csv string) {
		lines, problems := ParseUnits(strings.NewReader(csv))
		p := PlanUnits(tree, lines, problems)
		if !p.OK() {
			return
		}
		// Whatever the input, an accepted plan gives no code to two units on
		// one day and leaves no unit without a parent.
		for code, list := range p.Final {
			for i := range list {
				for j := i + 1; j < len(list); j++ {
					if overlaps(list[i], list[j]) {
						t.Fatalf("accepted two units with code %s on one day", code)
					}
				}
				if _, ok := parentProblem(p.Final, list[i]); !ok {
					t.Fatalf("accepted %s without a parent", code)
				}
			}
		}
	})
}
