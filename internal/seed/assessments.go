package seed

import (
	"fmt"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
)

// Values of the measures for a ward that meets them, and for one that
// does not. Illustrative.
var (
	metValues    = map[int]string{4: "0", 8: "0", 10: "0", 11: "0", 12: "-5", 13: "92", 14: "100", 16: "0", 18: "-3", 19: "2", 20: "97", 21: "91"}
	notMetValues = map[int]string{4: "1", 8: "1", 10: "1", 11: "1", 12: "4", 13: "84", 14: "96", 16: "2", 18: "6", 19: "0", 20: "89", 21: "82"}
)

// Phú La's own figures at the November 2023 inspection.
var phuLa2023 = map[int]string{10: "0", 13: "91", 14: "100", 12: "-8"}

// shortfalls are the criteria the demo wards fall short on, taken in turn.
var shortfalls = []int{6, 13, 17, 20, 21, 9, 14, 19, 12, 22, 16, 18, 4, 2, 3, 15}

// ward describes how one demo ward stands: which criteria are short, which
// year-end ones are still open, and any figures of its own.
type ward struct {
	code        string
	year        int
	state       assess.State
	short       []int
	openYearEnd bool
	values      map[int]string
	submitted   *time.Time
	decisionNo  string
	decision    *time.Time
}

func date(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 9, 0, 0, 0, time.UTC)
	return &t
}

// demoAssessments builds the demo assessments: Hà Nội 2023 as at the
// Ministry's November 2023 inspection, three wards in 2022, and the three
// post-reform wards in draft for 2025.
func demoAssessments(criteria []assess.Criterion, units []store.Unit) ([]store.NewAssessment, error) {
	var wards []ward

	// Hà Nội 2023: three wards at 19/22 submitted, then 11 at 18/22,
	// 6 at 16/22 and 6 at 15/22 in draft, in the order of the unit file.
	top := map[string]bool{"09552": true, "00019": true, "00211": true}
	for _, code := range []string{"09552", "00019", "00211"} {
		w := ward{code: code, year: 2023, state: assess.Submitted, openYearEnd: true, submitted: date(2023, time.November, 20)}
		if code == "09552" {
			w.values = phuLa2023
		}
		wards = append(wards, w)
	}
	next := 0
	take := func(n int) []int {
		var s []int
		for range n {
			s = append(s, shortfalls[next%len(shortfalls)])
			next++
		}
		return s
	}
	i := 0
	for _, u := range hanoiWards(units) {
		if top[u] {
			continue
		}
		short := 1
		switch {
		case i >= 17:
			short = 4
		case i >= 11:
			short = 3
		}
		wards = append(wards, ward{code: u, year: 2023, state: assess.Draft, openYearEnd: true, short: take(short)})
		i++
	}
	if i != 23 {
		return nil, fmt.Errorf("demo: Hà Nội has %d wards besides the three leaders, want 23", i)
	}

	// 2022: judged through the year end.
	wards = append(wards,
		ward{code: "00019", year: 2022, state: assess.Approved, short: []int{6}, submitted: date(2022, time.December, 5)},
		ward{code: "26740", year: 2022, state: assess.Recognized, submitted: date(2022, time.December, 2),
			decisionNo: "2878", decision: date(2023, time.April, 22)},
		ward{code: "20227", year: 2022, state: assess.Approved, short: []int{20}, submitted: date(2022, time.December, 9)},
	)

	var out []store.NewAssessment
	for _, w := range wards {
		a, err := w.assessment(criteria)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	// 2025: the three post-reform wards have started, in draft.
	for k, code := range []string{"10001", "10002", "10003"} {
		out = append(out, started2025(code, criteria, 6+2*k))
	}
	return out, nil
}

// hanoiWards lists the pre-reform Hà Nội wards in the order of the unit file.
func hanoiWards(units []store.Unit) []string {
	inHanoi := map[string]bool{"01": true}
	var wards []string
	for _, u := range units {
		if !inHanoi[u.ParentCode] || u.ValidTo == nil {
			continue
		}
		inHanoi[u.Code] = true
		if u.Kind == "ward" {
			wards = append(wards, u.Code)
		}
	}
	return wards
}

func (w ward) assessment(criteria []assess.Criterion) (store.NewAssessment, error) {
	a := store.NewAssessment{WardCode: w.code, Year: w.year, State: w.state,
		SubmittedAt: w.submitted, DecisionNo: w.decisionNo, DecisionDate: w.decision}
	short := map[int]bool{}
	for _, n := range w.short {
		short[n] = true
	}
	for k, c := range criteria {
		r := store.Result{Number: c.Number}
		switch {
		case c.YearEnd && w.openYearEnd:
			r.Status = assess.NotStarted
			if k%2 == 0 {
				r.Status = assess.InProgress
				r.Note = "Chờ kết quả đánh giá cuối năm."
			}
		case c.Kind == assess.Measure:
			r.Value = metValues[c.Number]
			if v, ok := w.values[c.Number]; ok {
				r.Value = v
			}
			if short[c.Number] {
				r.Value = notMetValues[c.Number]
			}
			st, err := c.Evaluate(r.Value)
			if err != nil {
				return a, fmt.Errorf("demo %s %d: %w", w.code, w.year, err)
			}
			r.Status = st
		case short[c.Number]:
			r.Status = assess.InProgress
			r.Note = "Đang hoàn thiện, dự kiến đạt trong quý IV."
			if c.Number%2 == 0 {
				r.Status = assess.NotMet
				r.Note = "Chưa đạt theo kết quả kiểm tra."
			}
		default:
			r.Status = assess.Met
		}
		a.Results = append(a.Results, r)
	}
	return a, nil
}

// started2025 is a post-reform ward that has recorded its first done criteria.
func started2025(code string, criteria []assess.Criterion, done int) store.NewAssessment {
	a := store.NewAssessment{WardCode: code, Year: 2025, State: assess.Draft}
	for _, c := range criteria {
		if c.Number > done || c.YearEnd {
			continue
		}
		r := store.Result{Number: c.Number, Status: assess.Met}
		if c.Kind == assess.Measure {
			r.Value = metValues[c.Number]
		}
		a.Results = append(a.Results, r)
	}
	return a
}
