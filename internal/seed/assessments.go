package seed

import (
	"fmt"
	"math/big"
	"strconv"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
)

// Phú La's own figures at the November 2023 inspection.
var phuLa2023 = map[int]string{10: "0", 13: "91", 14: "100", 12: "-8"}

// notMet names the criteria a ward is known to have missed, where the
// programme's note says which (Điện Biên: its headquarters).
var notMet = map[string][]int{
	"2022/00019": {6},
	"2024/00019": {4},
}

// shortfalls are the criteria the demo wards fall short on, taken in turn,
// per catalogue size.
var shortfalls = map[int][]int{
	22: {6, 13, 17, 20, 21, 9, 14, 19, 12, 22, 16, 18, 4, 2, 3, 15},
	20: {4, 15, 17, 10, 13, 6, 11, 19, 3, 7, 8, 12, 14, 16, 18, 20},
}

// decisions are the recognition decisions of the demo: the 2024 one for
// the three Quảng Nam wards is real (Quyết định số 2878, ngày 22/4/2025);
// the 2022 one is illustrative.
var decisions = map[int]struct {
	no   string
	date time.Time
}{
	2022: {"1523", time.Date(2023, time.April, 14, 0, 0, 0, 0, time.UTC)},
	2024: {"2878", time.Date(2025, time.April, 22, 0, 0, 0, 0, time.UTC)},
}

// returnReasons are why a province sent an assessment back.
var returnReasons = map[string]string{
	"2026/00070": "Đề nghị bổ sung biên bản kiểm tra trụ sở (tiêu chí 4) và số liệu camera an ninh (tiêu chí 6) có xác nhận của UBND phường.",
}

func at(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 9, 0, 0, 0, time.UTC)
	return &t
}

// notAfter is t, or daysBefore days before today when t would be later:
// the demo's steps of the open year happened before the day it is seeded,
// never after it.
func notAfter(t *time.Time, today time.Time, daysBefore int) *time.Time {
	latest := time.Date(today.Year(), today.Month(), today.Day(), 9, 0, 0, 0, time.UTC).AddDate(0, 0, -daysBefore)
	if t.After(latest) {
		return &latest
	}
	return t
}

// programme builds the demo's registrations and assessments from
// demo-programme.csv, seeded on the day today: for each line, a registration at its level and an
// assessment in its state with as many criteria met as the line says.
// The criteria left are the year-end ones first while the year is open
// (pending year end), then those the note names, then shortfalls in turn.
func programme(byYear map[int][]assess.Criterion, today time.Time) ([]Assessment, error) {
	rows, err := readCSV("demo-programme.csv", "year,ward_code,level,state,met,note")
	if err != nil {
		return nil, err
	}
	next := map[int]int{}
	var out []Assessment
	for i, r := range rows {
		line := i + 2
		year, err := strconv.Atoi(r[0])
		if err != nil {
			return nil, fmt.Errorf("demo-programme.csv line %d: year: %w", line, err)
		}
		criteria, ok := byYear[year]
		if !ok {
			return nil, fmt.Errorf("demo-programme.csv line %d: no catalogue for %d", line, year)
		}
		met, err := strconv.Atoi(r[4])
		if err != nil || met < 0 || met > len(criteria) {
			return nil, fmt.Errorf("demo-programme.csv line %d: met %q", line, r[4])
		}
		state := assess.State(r[3])
		if !state.Valid() {
			return nil, fmt.Errorf("demo-programme.csv line %d: state %q", line, r[3])
		}
		key := r[0] + "/" + r[1]
		a := Assessment{WardCode: r[1], Year: year, Level: r[2], State: state, ReturnReason: returnReasons[key]}
		if state == assess.Returned && a.ReturnReason == "" {
			a.ReturnReason = "Đề nghị bổ sung minh chứng."
		}
		if state != assess.Draft {
			a.SubmittedAt = notAfter(at(year, time.November, 20), today, 12)
		}
		if state == assess.Approved || state == assess.Recognized {
			a.ApprovedAt = notAfter(at(year, time.December, 10), today, 4)
		}
		if state == assess.Recognized {
			d, ok := decisions[year]
			if !ok {
				return nil, fmt.Errorf("demo-programme.csv line %d: no decision for %d", line, year)
			}
			a.DecisionNo, a.DecisionDate = d.no, &d.date
		}

		// Which criteria are not met, and how each stands.
		open := state == assess.Draft || state == assess.Submitted || state == assess.Returned
		left := len(criteria) - met
		missing := map[int]assess.Status{}
		if open {
			for _, c := range criteria {
				if c.YearEnd && len(missing) < left {
					missing[c.Number] = "" // pending year end
				}
			}
		}
		for _, n := range notMet[key] {
			if len(missing) < left {
				missing[n] = assess.NotMet
			}
		}
		short := shortfalls[len(criteria)]
		for len(missing) < left {
			n := short[next[len(criteria)]%len(short)]
			next[len(criteria)]++
			if _, taken := missing[n]; taken {
				continue
			}
			missing[n] = assess.NotMet
			if open && len(missing)%2 == 0 {
				missing[n] = assess.InProgress
			}
		}
		for _, c := range criteria {
			res, err := result(c, missing, year, r[1])
			if err != nil {
				return nil, fmt.Errorf("demo-programme.csv line %d: %w", line, err)
			}
			a.Results = append(a.Results, res)
		}
		out = append(out, a)
	}
	return out, nil
}

// result is one criterion's demo result: met unless missing says how it
// falls short; a year-end criterion left open is not started or in
// progress. A measure's value is chosen on the right side of its
// threshold, and its status follows from the value as in the portal.
func result(c assess.Criterion, missing map[int]assess.Status, year int, ward string) (store.Result, error) {
	r := store.Result{Number: c.Number, Status: assess.Met}
	st, short := missing[c.Number]
	switch {
	case short && st == "":
		r.Status = assess.NotStarted
		if c.Number%2 == 1 {
			r.Status = assess.InProgress
			r.Note = "Chờ kết quả đánh giá cuối năm."
		}
		return r, nil
	case short && st == assess.InProgress:
		r.Status = assess.InProgress
		r.Note = "Đang hoàn thiện, dự kiến đạt trong quý IV."
		return r, nil
	case short:
		r.Status = assess.NotMet
		r.Note = "Chưa đạt theo kết quả kiểm tra."
	}
	if c.Kind != assess.Measure {
		return r, nil
	}
	r.Note = ""
	value := measureValue(c, r.Status == assess.Met)
	if v, ok := phuLa2023[c.Number]; ok && year == 2023 && ward == "09552" && r.Status == assess.Met {
		value = v
	}
	got, err := c.Evaluate(value)
	if err != nil {
		return r, err
	}
	if got != r.Status {
		return r, fmt.Errorf("criterion %d: value %s is %s, want %s", c.Number, value, got, r.Status)
	}
	if _, err := c.ParseValue(value); err != nil {
		return r, fmt.Errorf("criterion %d: value %s: %w", c.Number, value, err)
	}
	r.Value = value
	return r, nil
}

// measureValue is a value of measure c that meets its threshold, or one
// that falls short, within the measure's scale.
func measureValue(c assess.Criterion, met bool) string {
	t, _ := new(big.Rat).SetString(c.Threshold)
	add := func(d int64) string { return new(big.Rat).Add(t, big.NewRat(d, 1)).RatString() }
	switch c.Comparator {
	case assess.LessEqual, assess.Equal:
		if met {
			return add(0)
		}
		return add(1)
	case assess.Less:
		if met {
			return add(-5)
		}
		return add(2)
	case assess.Greater:
		if met {
			return add(1)
		}
		return add(0)
	}
	// At least the threshold: a share tops out at 100.
	if met {
		if c.Scale == assess.Share && t.Cmp(big.NewRat(98, 1)) >= 0 {
			return add(0)
		}
		return add(2)
	}
	if t.Sign() == 0 || t.Cmp(big.NewRat(1, 1)) == 0 {
		return "0"
	}
	return add(-4)
}
