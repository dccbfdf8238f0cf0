// Package units holds the rules of the unit tree that do not touch the
// database: reading an import of units or successors from CSV (the format
// of the official lists in internal/seed/data/vn), and planning it against the
// tree as it is — what it adds, what it changes, and every problem with
// its line number.
//
// A code is not a unit: the same official code names different units at
// different times, so a unit is known by its identity and the code is
// unique only per day.
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

// Unit is one node of the tree as an import sees it. ID is its identity
// in the database; a unit an import adds has a negative ID until written.
type Unit struct {
	ID        int64
	Code      string
	Kind      string
	Type      string
	Name      string
	Parent    string // the parent's code; the parent is the unit with that code in force
	ValidFrom *time.Time
	ValidTo   *time.Time
}

// Line is a unit read from line N of a file.
type Line struct {
	N    int
	Unit Unit
}

// Problem is what is wrong with a line of an import: a message key and
// the value it concerns. Line 0 is a problem of the tree as a whole.
type Problem struct {
	Line int
	Key  string
	Arg  string
}

// The columns an import may have: the official format, and the earlier
// one without the type (derived from the name) and, for successors,
// without the day and the share.
const (
	UnitsHeader         = "code,kind,type,name,parent_code,valid_from,valid_to"
	UnitsHeaderV1       = "code,kind,name,parent_code,valid_from,valid_to"
	SuccessorsHeader    = "old_code,new_code,on,share,basis"
	SuccessorsHeaderV1  = "old_code,new_code"
	MinistryCode        = "VN"
	ministryType        = "bo"
	maxNameRunes        = 200
	dayLayout           = time.DateOnly
	shareFull           = "full"
	sharePartial        = "partial"
	errUnknownParentKey = "import.err.parent"
)

var codePattern = regexp.MustCompile(`^[A-Za-z0-9]{1,16}$`)

// parentKinds says under which kind of unit each kind sits; a province
// names no parent (it sits under the ministry).
var parentKinds = map[string][]string{
	"ministry": nil,
	"province": nil,
	"district": {"province"},
	"ward":     {"district", "province"},
}

// Types lists the official types of each kind, with the word that starts
// a unit's name.
var Types = map[string][]string{
	"ministry": {ministryType},
	"province": {"thanh_pho", "tinh"},
	"district": {"quan", "thi_xa", "thanh_pho", "huyen"},
	"ward":     {"phuong", "thi_tran", "dac_khu", "xa"},
}

// typeWords is the word each type's names begin with.
var typeWords = map[string]string{
	"tinh": "Tỉnh", "thanh_pho": "Thành phố", "quan": "Quận", "huyen": "Huyện", "thi_xa": "Thị xã",
	"phuong": "Phường", "xa": "Xã", "thi_tran": "Thị trấn", "dac_khu": "Đặc khu", ministryType: "Bộ",
}

// TypeFromName derives a unit's official type from its kind and name, for
// files in the earlier format; "" when the name says nothing.
func TypeFromName(kind, name string) string {
	for _, t := range Types[kind] {
		if w := typeWords[t]; strings.HasPrefix(strings.ToLower(name), strings.ToLower(w)+" ") {
			return t
		}
	}
	if kind == "ministry" {
		return ministryType
	}
	return ""
}

func validType(kind, t string) bool {
	for _, k := range Types[kind] {
		if k == t {
			return true
		}
	}
	return false
}

// readCSV reads rows after checking the header against the accepted ones;
// a row's line number is its position in the file, the header being line 1.
// It returns the header that matched.
func readCSV(r io.Reader, headers ...string) (string, [][]string, []Problem) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	var header string
	var fields int
	var rows [][]string
	var problems []Problem
	for n := 1; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			if n == 1 {
				problems = append(problems, Problem{Line: 1, Key: "import.err.header", Arg: headers[0]})
			}
			break
		}
		if err != nil {
			problems = append(problems, Problem{Line: n, Key: "import.err.csv", Arg: err.Error()})
			break
		}
		if n == 1 {
			rec[0] = strings.TrimPrefix(rec[0], "\uFEFF")
			got := strings.Join(rec, ",")
			for _, h := range headers {
				if got == h {
					header, fields = h, len(rec)
				}
			}
			if header == "" {
				problems = append(problems, Problem{Line: 1, Key: "import.err.header", Arg: headers[0]})
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
	return header, rows, problems
}

func parseDate(s string) (*time.Time, bool) {
	if s == "" {
		return nil, true
	}
	t, err := time.Parse(dayLayout, s)
	if err != nil {
		return nil, false
	}
	return &t, true
}

// ParseUnits reads a units file in either format.
func ParseUnits(r io.Reader) ([]Line, []Problem) {
	header, rows, problems := readCSV(r, UnitsHeader, UnitsHeaderV1)
	var lines []Line
	for i, rec := range rows {
		n := i + 2
		if rec == nil {
			continue
		}
		if header == UnitsHeaderV1 {
			// code,kind,name,… → code,kind,type,name,…
			rec = append(rec[:2], append([]string{""}, rec[2:]...)...)
		}
		u := Unit{Code: rec[0], Kind: rec[1], Type: rec[2], Name: rec[3], Parent: rec[4]}
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
		if u.Name == "" || !utf8.ValidString(u.Name) || utf8.RuneCountInString(u.Name) > maxNameRunes || strings.ContainsFunc(u.Name, func(r rune) bool { return r < ' ' }) {
			bad("import.err.name", u.Code)
		}
		// The earlier format wrote a province's parent as the ministry.
		if u.Kind == "province" && u.Parent == MinistryCode {
			u.Parent = ""
		}
		if u.Type == "" {
			u.Type = TypeFromName(u.Kind, u.Name)
		}
		if _, known := parentKinds[u.Kind]; known && !validType(u.Kind, u.Type) {
			bad("import.err.type", u.Type)
		}
		var fromOK, toOK bool
		u.ValidFrom, fromOK = parseDate(rec[5])
		u.ValidTo, toOK = parseDate(rec[6])
		if !fromOK {
			bad("import.err.date", rec[5])
		}
		if !toOK {
			bad("import.err.date", rec[6])
		}
		if u.ValidFrom != nil && u.ValidTo != nil && u.ValidTo.Before(*u.ValidFrom) {
			bad("import.err.span", rec[5]+" – "+rec[6])
		}
		if ok {
			lines = append(lines, Line{N: n, Unit: u})
		}
	}
	return lines, problems
}

// Change is an existing unit the import changes: it keeps its identity.
type Change struct {
	Line   int
	Before Unit
	After  Unit
}

// Plan is what applying an import would do. Adds carry negative IDs,
// which Successors use for units not yet written.
type Plan struct {
	Adds      []Line
	Changes   []Change
	Unchanged int
	Problems  []Problem
	// Final is the tree as it would be after the import, by code.
	Final map[string][]Unit
}

// OK reports whether the plan may be applied.
func (p Plan) OK() bool { return len(p.Problems) == 0 }

// Empty reports whether the plan would change nothing.
func (p Plan) Empty() bool { return len(p.Adds) == 0 && len(p.Changes) == 0 }

func sameDate(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// same reports whether an import's unit says nothing new about an
// existing one: names are compared as Vietnamese spellings, so that the
// 2026 lists' "Hoà" is the "Hòa" of before.
func (u Unit) same(v Unit) bool {
	return u.Code == v.Code && u.Kind == v.Kind && u.Type == v.Type && SameName(u.Name, v.Name) &&
		u.Parent == v.Parent && sameDate(u.ValidFrom, v.ValidFrom) && sameDate(u.ValidTo, v.ValidTo)
}

// overlaps reports whether two units are in force on a common day.
func overlaps(a, b Unit) bool {
	return (a.ValidTo == nil || b.ValidFrom == nil || !a.ValidTo.Before(*b.ValidFrom)) &&
		(b.ValidTo == nil || a.ValidFrom == nil || !b.ValidTo.Before(*a.ValidFrom))
}

// InForce reports whether u is in force on day.
func (u Unit) InForce(day time.Time) bool {
	return (u.ValidFrom == nil || !day.Before(*u.ValidFrom)) && (u.ValidTo == nil || !day.After(*u.ValidTo))
}

// PlanUnits plans an import against the existing units. A line is the
// existing unit with its code, kind and first day (changed when anything
// else differs); otherwise it adds a unit. The file is refused whole when
// it would give a code to two units on one day, leave a unit without a
// parent in force over any day of its span, or put a unit under a kind it
// may not sit under.
func PlanUnits(existing []Unit, lines []Line, problems []Problem) Plan {
	plan := Plan{Problems: problems, Final: map[string][]Unit{}}
	for _, u := range existing {
		plan.Final[u.Code] = append(plan.Final[u.Code], u)
	}
	lineOf := map[int64]int{} // unit id → the line that names it
	type key struct {
		code, kind string
		from       string
	}
	fromKey := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(dayLayout)
	}
	seen := map[key]int{}
	next := int64(-1)
	for _, l := range lines {
		u := l.Unit
		k := key{u.Code, u.Kind, fromKey(u.ValidFrom)}
		if first, dup := seen[k]; dup {
			plan.Problems = append(plan.Problems, Problem{Line: l.N, Key: "import.err.duplicate", Arg: fmt.Sprintf("%s (%d)", u.Code, first)})
			continue
		}
		seen[k] = l.N
		matched := false
		for i, e := range plan.Final[u.Code] {
			if e.ID > 0 && e.Kind == u.Kind && sameDate(e.ValidFrom, u.ValidFrom) {
				matched = true
				u.ID = e.ID
				lineOf[e.ID] = l.N
				if e.same(u) {
					plan.Unchanged++
				} else {
					plan.Changes = append(plan.Changes, Change{Line: l.N, Before: e, After: u})
					plan.Final[u.Code][i] = u
				}
				break
			}
		}
		if !matched {
			u.ID = next
			next--
			lineOf[u.ID] = l.N
			plan.Adds = append(plan.Adds, Line{N: l.N, Unit: u})
			plan.Final[u.Code] = append(plan.Final[u.Code], u)
		}
	}
	plan.Problems = append(plan.Problems, checkTree(plan.Final, lineOf)...)
	sort.SliceStable(plan.Problems, func(i, j int) bool { return plan.Problems[i].Line < plan.Problems[j].Line })
	return plan
}

// checkTree finds, in the tree after an import, the codes given to two
// units on one day and the units without a parent over part of their
// span. Problems are put at the line that names the unit, or at line 0
// for a unit the file leaves as it was (its parent changed).
func checkTree(final map[string][]Unit, lineOf map[int64]int) []Problem {
	var problems []Problem
	codes := make([]string, 0, len(final))
	for c := range final {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, code := range codes {
		list := final[code]
		touched := func(u Unit) bool { _, ok := lineOf[u.ID]; return ok }
		for i := range list {
			for j := i + 1; j < len(list); j++ {
				if overlaps(list[i], list[j]) && (touched(list[i]) || touched(list[j])) {
					line := max(lineOf[list[i].ID], lineOf[list[j].ID])
					problems = append(problems, Problem{Line: line, Key: "import.err.overlap", Arg: code})
				}
			}
		}
		for _, u := range list {
			if p, ok := parentProblem(final, u); !ok {
				if line, named := lineOf[u.ID]; named || parentTouched(final, u, lineOf) {
					problems = append(problems, Problem{Line: line, Key: p, Arg: u.Code + " → " + u.Parent})
				}
			}
		}
	}
	return problems
}

func parentTouched(final map[string][]Unit, u Unit, lineOf map[int64]int) bool {
	for _, p := range final[u.Parent] {
		if _, ok := lineOf[p.ID]; ok {
			return true
		}
	}
	return false
}

// parentProblem checks that the units with u's parent code, of a kind u
// may sit under, cover every day of u's span.
func parentProblem(final map[string][]Unit, u Unit) (string, bool) {
	kinds := parentKinds[u.Kind]
	if len(kinds) == 0 {
		if u.Parent != "" {
			return "import.err.parentkind", false
		}
		return "", true
	}
	if u.Parent == "" {
		return errUnknownParentKey, false
	}
	var spans []Unit
	for _, p := range final[u.Parent] {
		if !overlaps(p, u) {
			continue
		}
		ok := false
		for _, k := range kinds {
			ok = ok || p.Kind == k
		}
		if !ok {
			return "import.err.parentkind", false
		}
		spans = append(spans, p)
	}
	if !covers(spans, u) {
		return errUnknownParentKey, false
	}
	return "", true
}

// covers reports whether the spans of parents, which do not overlap one
// another, leave no day of u's span uncovered.
func covers(parents []Unit, u Unit) bool {
	sort.Slice(parents, func(i, j int) bool { return before(parents[i].ValidFrom, parents[j].ValidFrom) })
	day := u.ValidFrom // the first day not yet covered; nil is the beginning of time
	for _, p := range parents {
		if p.ValidFrom != nil && (day == nil || p.ValidFrom.After(*day)) {
			return false // a gap before p
		}
		if p.ValidTo == nil {
			return true
		}
		next := p.ValidTo.AddDate(0, 0, 1)
		if day == nil || next.After(*day) {
			day = &next
		}
		if u.ValidTo != nil && day.After(*u.ValidTo) {
			return true
		}
	}
	return false
}

// before orders first days, the unknown one (nil) first.
func before(a, b *time.Time) bool {
	if a == nil {
		return b != nil
	}
	return b != nil && a.Before(*b)
}

// Link is a successor line: on day On, (part of) the unit Old in force
// the day before went into the unit New in force that day.
type Link struct {
	Line  int
	Old   Unit
	New   Unit
	On    time.Time
	Share string
	Basis string
}

// ExistingLink is a successor link already stored.
type ExistingLink struct {
	OldID, NewID int64
	On           time.Time
	Share        string
}

// SuccessorPlan is what applying a successors import would do.
type SuccessorPlan struct {
	Adds      []Link
	Unchanged int
	Problems  []Problem
}

// OK reports whether the plan may be applied.
func (p SuccessorPlan) OK() bool { return len(p.Problems) == 0 }

// inForceOn finds the unit with code in force on day.
func inForceOn(final map[string][]Unit, code string, day time.Time) (Unit, bool) {
	for _, u := range final[code] {
		if u.InForce(day) {
			return u, true
		}
	}
	return Unit{}, false
}

// PlanSuccessors reads a successors file and plans it against the tree
// after the units import (final, from Plan.Final): each old code must name
// a unit in force the day before the link's day and each new code one in
// force on it (of any kind: island districts became special zones, which
// are commune-level units). In the earlier format, without a day, the
// old unit is the last one with its code to end, the day the one after,
// and the share partial when the old code has several lines.
func PlanSuccessors(r io.Reader, final map[string][]Unit, existing []ExistingLink) SuccessorPlan {
	header, rows, problems := readCSV(r, SuccessorsHeader, SuccessorsHeaderV1)
	plan := SuccessorPlan{Problems: problems}
	stored := map[[2]int64]ExistingLink{}
	for _, l := range existing {
		stored[[2]int64{l.OldID, l.NewID}] = l
	}
	oldLines := map[string]int{}
	for _, rec := range rows {
		if rec != nil {
			oldLines[rec[0]]++
		}
	}
	seen := map[[2]int64]int{}
	for i, rec := range rows {
		n := i + 2
		if rec == nil {
			continue
		}
		bad := func(key, arg string) { plan.Problems = append(plan.Problems, Problem{Line: n, Key: key, Arg: arg}) }
		oldCode, newCode := rec[0], rec[1]
		var on time.Time
		share, basis := sharePartial, ""
		if header == SuccessorsHeaderV1 {
			last, ok := lastEnded(final, oldCode)
			if !ok {
				bad("import.err.unknown", oldCode)
				continue
			}
			on = last.ValidTo.AddDate(0, 0, 1)
			if oldLines[oldCode] == 1 {
				share = shareFull
			}
		} else {
			d, ok := parseDate(rec[2])
			if !ok || d == nil {
				bad("import.err.date", rec[2])
				continue
			}
			on, share, basis = *d, rec[3], rec[4]
			if share != shareFull && share != sharePartial {
				bad("import.err.share", share)
				continue
			}
			switch basis {
			case "", "mapping", "same_code", "inferred":
			default:
				bad("import.err.basis", basis)
				continue
			}
		}
		old, okOld := inForceOn(final, oldCode, on.AddDate(0, 0, -1))
		nu, okNew := inForceOn(final, newCode, on)
		if !okOld {
			bad("import.err.notinforce", oldCode+" "+on.AddDate(0, 0, -1).Format(dayLayout))
		}
		if !okNew {
			bad("import.err.notinforce", newCode+" "+on.Format(dayLayout))
		}
		if !okOld || !okNew {
			continue
		}
		if old.ID == nu.ID {
			bad("import.err.self", oldCode)
			continue
		}
		key := [2]int64{old.ID, nu.ID}
		if first, dup := seen[key]; dup {
			bad("import.err.duplicate", fmt.Sprintf("%s → %s (%d)", oldCode, newCode, first))
			continue
		}
		seen[key] = n
		if s, ok := stored[key]; ok {
			if s.On.Equal(on) && s.Share == share {
				plan.Unchanged++
			} else {
				bad("import.err.linkchanged", oldCode+" → "+newCode)
			}
			continue
		}
		plan.Adds = append(plan.Adds, Link{Line: n, Old: old, New: nu, On: on, Share: share, Basis: basis})
	}
	return plan
}

// lastEnded is the unit with code whose span ended last.
func lastEnded(final map[string][]Unit, code string) (Unit, bool) {
	var last Unit
	found := false
	for _, u := range final[code] {
		if u.ValidTo != nil && (!found || u.ValidTo.After(*last.ValidTo)) {
			last, found = u, true
		}
	}
	return last, found
}

// PlanImport plans an import of a units file and a successors file, either
// of which may be nil, against the tree as it is: the successors are
// resolved in the tree as the units file leaves it. The successor plan is
// nil without a successors file.
func PlanImport(tree []Unit, links []ExistingLink, unitsFile, successorsFile io.Reader) (Plan, *SuccessorPlan) {
	var lines []Line
	var problems []Problem
	if unitsFile != nil {
		lines, problems = ParseUnits(unitsFile)
	}
	plan := PlanUnits(tree, lines, problems)
	if successorsFile == nil {
		return plan, nil
	}
	successors := PlanSuccessors(successorsFile, plan.Final, links)
	return plan, &successors
}
