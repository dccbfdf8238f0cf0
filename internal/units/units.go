// Package units holds the rules of the unit tree that do not touch the
// database: reading an import of units or successors from CSV, and planning
// it against the tree as it is — what it adds, what it changes, and every
// problem with its line number.
package units

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Unit is one node of the tree as an import sees it.
type Unit struct {
	Code      string
	Kind      string
	Name      string
	Parent    string
	ValidFrom *time.Time
	ValidTo   *time.Time
}

// Line is a unit read from line N of a file.
type Line struct {
	N    int
	Unit Unit
}

// Problem is what is wrong with a line of an import: a message key and
// the value it concerns.
type Problem struct {
	Line int
	Key  string
	Arg  string
}

// UnitsHeader and SuccessorsHeader are the columns an import must have.
const (
	UnitsHeader      = "code,kind,name,parent_code,valid_from,valid_to"
	SuccessorsHeader = "old_code,new_code"
)

var codePattern = regexp.MustCompile(`^[A-Za-z0-9]{1,16}$`)

// parentKinds says under which kinds of unit each kind may sit.
var parentKinds = map[string][]string{
	"ministry": nil,
	"province": {"ministry"},
	"district": {"province"},
	"ward":     {"district", "province"},
}

// readCSV reads rows after checking the header; a row's line number is
// its position in the file, the header being line 1.
func readCSV(r io.Reader, header string, fields int) ([][]string, []Problem) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	var rows [][]string
	var problems []Problem
	for n := 1; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			if n == 1 {
				problems = append(problems, Problem{Line: 1, Key: "import.err.header", Arg: header})
			}
			break
		}
		if err != nil {
			problems = append(problems, Problem{Line: n, Key: "import.err.csv", Arg: err.Error()})
			break
		}
		if n == 1 {
			rec[0] = strings.TrimPrefix(rec[0], "\uFEFF")
			if strings.Join(rec, ",") != header {
				problems = append(problems, Problem{Line: 1, Key: "import.err.header", Arg: header})
				break
			}
			continue
		}
		if len(rec) != fields {
			problems = append(problems, Problem{Line: n, Key: "import.err.fields", Arg: fmt.Sprint(fields)})
			rows = append(rows, nil)
			continue
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, rec)
	}
	return rows, problems
}

func parseDate(s string) (*time.Time, bool) {
	if s == "" {
		return nil, true
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, false
	}
	return &t, true
}

// ParseUnits reads a units file with the columns of UnitsHeader.
func ParseUnits(r io.Reader) ([]Line, []Problem) {
	rows, problems := readCSV(r, UnitsHeader, 6)
	var lines []Line
	for i, rec := range rows {
		n := i + 2
		if rec == nil {
			continue
		}
		u := Unit{Code: rec[0], Kind: rec[1], Name: rec[2], Parent: rec[3]}
		ok := true
		bad := func(key, arg string) {
			problems = append(problems, Problem{Line: n, Key: key, Arg: arg})
			ok = false
		}
		if !codePattern.MatchString(u.Code) {
			bad("import.err.code", u.Code)
		}
		if _, known := parentKinds[u.Kind]; !known {
			bad("import.err.kind", u.Kind)
		}
		if u.Name == "" || !utf8.ValidString(u.Name) || utf8.RuneCountInString(u.Name) > 200 || strings.ContainsFunc(u.Name, func(r rune) bool { return r < ' ' }) {
			bad("import.err.name", u.Code)
		}
		var fromOK, toOK bool
		u.ValidFrom, fromOK = parseDate(rec[4])
		u.ValidTo, toOK = parseDate(rec[5])
		if !fromOK {
			bad("import.err.date", rec[4])
		}
		if !toOK {
			bad("import.err.date", rec[5])
		}
		if u.ValidFrom != nil && u.ValidTo != nil && u.ValidTo.Before(*u.ValidFrom) {
			bad("import.err.span", rec[4]+" – "+rec[5])
		}
		if ok {
			lines = append(lines, Line{N: n, Unit: u})
		}
	}
	return lines, problems
}

// Change is an existing unit the import changes.
type Change struct {
	Line   int
	Before Unit
	After  Unit
}

// Plan is what applying an import would do.
type Plan struct {
	Adds      []Line
	Changes   []Change
	Unchanged int
	Problems  []Problem
}

// OK reports whether the plan may be applied.
func (p Plan) OK() bool { return len(p.Problems) == 0 }

func sameDate(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

func (u Unit) same(v Unit) bool {
	return u.Code == v.Code && u.Kind == v.Kind && u.Name == v.Name && u.Parent == v.Parent &&
		sameDate(u.ValidFrom, v.ValidFrom) && sameDate(u.ValidTo, v.ValidTo)
}

// PlanUnits plans an import against the existing tree: every parent must
// exist (in the tree or the file) and be of a kind the unit may sit under,
// no code may appear twice, and the tree must stay a tree (no cycle).
// Adds come parents first, so they can be written in order.
func PlanUnits(existing map[string]Unit, lines []Line, problems []Problem) Plan {
	plan := Plan{Problems: problems}
	final := make(map[string]Unit, len(existing)+len(lines))
	for code, u := range existing {
		final[code] = u
	}
	seen := map[string]int{}
	for _, l := range lines {
		if first, dup := seen[l.Unit.Code]; dup {
			plan.Problems = append(plan.Problems, Problem{Line: l.N, Key: "import.err.duplicate", Arg: fmt.Sprintf("%s (%d)", l.Unit.Code, first)})
			continue
		}
		seen[l.Unit.Code] = l.N
		final[l.Unit.Code] = l.Unit
	}
	for _, l := range lines {
		if seen[l.Unit.Code] != l.N {
			continue
		}
		u := l.Unit
		if u.Kind == "ministry" {
			if u.Parent != "" {
				plan.Problems = append(plan.Problems, Problem{Line: l.N, Key: "import.err.parentkind", Arg: u.Parent})
			}
		} else if p, ok := final[u.Parent]; !ok || u.Parent == "" {
			plan.Problems = append(plan.Problems, Problem{Line: l.N, Key: "import.err.parent", Arg: u.Parent})
		} else if !allowed(parentKinds[u.Kind], p.Kind) {
			plan.Problems = append(plan.Problems, Problem{Line: l.N, Key: "import.err.parentkind", Arg: u.Parent})
		}
		if cyclic(final, u.Code) {
			plan.Problems = append(plan.Problems, Problem{Line: l.N, Key: "import.err.cycle", Arg: u.Code})
		}
		if before, ok := existing[u.Code]; ok {
			if before.same(u) {
				plan.Unchanged++
			} else {
				plan.Changes = append(plan.Changes, Change{Line: l.N, Before: before, After: u})
			}
		} else {
			plan.Adds = append(plan.Adds, l)
		}
	}
	depth := func(code string) int {
		d := 0
		for c := code; final[c].Parent != "" && d <= len(final); c = final[c].Parent {
			d++
		}
		return d
	}
	sort.SliceStable(plan.Adds, func(i, j int) bool { return depth(plan.Adds[i].Unit.Code) < depth(plan.Adds[j].Unit.Code) })
	sort.SliceStable(plan.Problems, func(i, j int) bool { return plan.Problems[i].Line < plan.Problems[j].Line })
	return plan
}

func allowed(kinds []string, kind string) bool {
	for _, k := range kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// cyclic reports whether walking up from code comes back to it.
func cyclic(tree map[string]Unit, code string) bool {
	seen := map[string]bool{}
	for c := code; c != ""; c = tree[c].Parent {
		if seen[c] {
			return true
		}
		seen[c] = true
	}
	return false
}

// Pair is a successor line: new took over (part of) old.
type Pair struct {
	Line int
	Old  string
	New  string
}

// SuccessorPlan is what applying a successors import would do.
type SuccessorPlan struct {
	Adds      []Pair
	Unchanged int
	Problems  []Problem
}

// OK reports whether the plan may be applied.
func (p SuccessorPlan) OK() bool { return len(p.Problems) == 0 }

// PlanSuccessors reads a successors file and plans it: both wards must
// exist and differ, and no pair may repeat.
func PlanSuccessors(r io.Reader, existing map[string]Unit, pairs map[[2]string]bool) SuccessorPlan {
	rows, problems := readCSV(r, SuccessorsHeader, 2)
	plan := SuccessorPlan{Problems: problems}
	seen := map[[2]string]int{}
	for i, rec := range rows {
		n := i + 2
		if rec == nil {
			continue
		}
		p := Pair{Line: n, Old: rec[0], New: rec[1]}
		ok := true
		for _, code := range []string{p.Old, p.New} {
			if u, found := existing[code]; !found {
				plan.Problems = append(plan.Problems, Problem{Line: n, Key: "import.err.unknown", Arg: code})
				ok = false
			} else if u.Kind != "ward" {
				plan.Problems = append(plan.Problems, Problem{Line: n, Key: "import.err.notward", Arg: code})
				ok = false
			}
		}
		if p.Old == p.New {
			plan.Problems = append(plan.Problems, Problem{Line: n, Key: "import.err.self", Arg: p.Old})
			ok = false
		}
		key := [2]string{p.Old, p.New}
		if first, dup := seen[key]; dup {
			plan.Problems = append(plan.Problems, Problem{Line: n, Key: "import.err.duplicate", Arg: fmt.Sprintf("%s → %s (%d)", p.Old, p.New, first)})
			ok = false
		}
		seen[key] = n
		switch {
		case !ok:
		case pairs[key]:
			plan.Unchanged++
		default:
			plan.Adds = append(plan.Adds, p)
		}
	}
	return plan
}
