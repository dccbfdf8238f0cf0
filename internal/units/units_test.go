package units

import (
	"strings"
	"testing"
)

var tree = map[string]Unit{
	"VN":    {Code: "VN", Kind: "ministry", Name: "Bộ Công an"},
	"01":    {Code: "01", Kind: "province", Name: "Thành phố Hà Nội", Parent: "VN"},
	"001":   {Code: "001", Kind: "district", Name: "Quận Ba Đình", Parent: "01"},
	"00019": {Code: "00019", Kind: "ward", Name: "Phường Điện Biên", Parent: "001"},
	"10001": {Code: "10001", Kind: "ward", Name: "Phường Ba Đình", Parent: "01"},
}

func plan(t *testing.T, csv string) Plan {
	t.Helper()
	lines, problems := ParseUnits(strings.NewReader(csv))
	return PlanUnits(tree, lines, problems)
}

func problemAt(p Plan, line int, key string) bool {
	for _, pr := range p.Problems {
		if pr.Line == line && pr.Key == key {
			return true
		}
	}
	return false
}

func TestPlanUnits(t *testing.T) {
	p := plan(t, UnitsHeader+`
00019,ward,Phường Điện Biên,001,,2025-06-30
20001,ward,Phường Mới,200,2025-07-01,
200,district,Quận Mới,01,,
10001,ward,Phường Ba Đình,01,,
`)
	if !p.OK() {
		t.Fatalf("problems: %+v", p.Problems)
	}
	if len(p.Adds) != 2 || p.Adds[0].Unit.Code != "200" || p.Adds[1].Unit.Code != "20001" {
		t.Errorf("adds (parents first): %+v", p.Adds)
	}
	if len(p.Changes) != 1 || p.Changes[0].Line != 2 || p.Changes[0].After.ValidTo == nil {
		t.Errorf("changes: %+v", p.Changes)
	}
	if p.Unchanged != 1 {
		t.Errorf("unchanged %d", p.Unchanged)
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
		{"missing parent", UnitsHeader + "\n30001,ward,Phường X,999,,", 2, "import.err.parent"},
		{"no parent", UnitsHeader + "\n30001,ward,Phường X,,,", 2, "import.err.parent"},
		{"duplicate", UnitsHeader + "\n30001,ward,Phường X,001,,\n30001,ward,Phường Y,001,,", 3, "import.err.duplicate"},
		{"cycle", UnitsHeader + "\n300,district,Quận A,301,,\n301,district,Quận B,300,,", 2, "import.err.parentkind"},
		{"cycle of provinces", UnitsHeader + "\n02,province,Tỉnh A,03,,\n03,province,Tỉnh B,02,,", 2, "import.err.cycle"},
		{"bad date", UnitsHeader + "\n30001,ward,Phường X,001,01/07/2025,", 2, "import.err.date"},
		{"span", UnitsHeader + "\n30001,ward,Phường X,001,2025-07-01,2025-06-30", 2, "import.err.span"},
		{"kind", UnitsHeader + "\n30001,commune,Xã X,001,,", 2, "import.err.kind"},
		{"ward under ward", UnitsHeader + "\n30001,ward,Phường X,00019,,", 2, "import.err.parentkind"},
		{"code", UnitsHeader + "\n30 01,ward,Phường X,001,,", 2, "import.err.code"},
		{"name", UnitsHeader + "\n30001,ward,,001,,", 2, "import.err.name"},
		{"fields", UnitsHeader + "\n30001,ward,Phường X,001", 2, "import.err.fields"},
	} {
		p := plan(t, tt.csv)
		if p.OK() || !problemAt(p, tt.line, tt.key) {
			t.Errorf("%s: want %s at line %d, got %+v", tt.name, tt.key, tt.line, p.Problems)
		}
	}
}

func TestPlanSuccessors(t *testing.T) {
	pairs := map[[2]string]bool{{"00019", "10001"}: true}
	p := PlanSuccessors(strings.NewReader(SuccessorsHeader+"\n00019,10001\n00019,10002\n001,10001\n10001,10001\n00019,10001\n"), tree, pairs)
	if p.Unchanged != 1 || len(p.Adds) != 0 {
		t.Errorf("plan %+v", p)
	}
	want := map[int]string{3: "import.err.unknown", 4: "import.err.notward", 5: "import.err.self", 6: "import.err.duplicate"}
	for line, key := range want {
		found := false
		for _, pr := range p.Problems {
			found = found || pr.Line == line && pr.Key == key
		}
		if !found {
			t.Errorf("line %d: want %s in %+v", line, key, p.Problems)
		}
	}
}

func FuzzParseUnits(f *testing.F) {
	f.Add(UnitsHeader + "\n30001,ward,Phường X,001,,\n")
	f.Add(UnitsHeader + "\n\"a,b\",ward,x,001,2025-01-01,2024-01-01\n")
	f.Fuzz(func(t *testing.T, csv string) {
		lines, problems := ParseUnits(strings.NewReader(csv))
		p := PlanUnits(tree, lines, problems)
		// Whatever the input, a plan with no problems keeps the tree a tree.
		if p.OK() {
			final := map[string]Unit{}
			for k, v := range tree {
				final[k] = v
			}
			for _, l := range lines {
				final[l.Unit.Code] = l.Unit
			}
			for code := range final {
				if cyclic(final, code) {
					t.Fatalf("accepted a cycle through %s", code)
				}
			}
		}
	})
}
