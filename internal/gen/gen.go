// Package gen makes a synthetic country for load tests: provinces,
// districts and wards in proportion, yearly catalogues, and assessments in
// every workflow state with a realistic spread of standings. The same seed
// gives the same country.
package gen

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"time"

	"modelward/internal/assess"
)

// Before the 2025 reform Vietnam had 63 provinces and about 700 districts.
const (
	Provinces            = 63
	DistrictsPerProvince = 11
)

// Unit is a generated unit.
type Unit struct {
	Code, Kind, Name, Parent string
}

// Assessment is a generated assessment with its results and evidence.
type Assessment struct {
	Ward     string
	Year     int
	State    assess.State
	Results  []Result
	Evidence []Evidence
	// DecisionNo is set for a recognised assessment.
	DecisionNo string
}

// Result is one criterion's generated result.
type Result struct {
	Number int
	Status assess.Status
	Value  string
	Note   string
}

// Evidence is a small generated file for one result.
type Evidence struct {
	Number  int
	Title   string
	Dated   time.Time
	Content []byte
	SHA256  []byte
}

// Country is a generator of a synthetic country of n wards, or of
// assessments for the wards WardCodes names (the real tree's, say).
type Country struct {
	Wards     int
	Seed      uint64
	WardCodes []string
}

// wardCodes lists the codes of the wards assessments are made for.
func (c Country) wardCodes() []string {
	if c.WardCodes != nil {
		return c.WardCodes
	}
	var codes []string
	for _, u := range c.Units() {
		if u.Kind == "ward" {
			codes = append(codes, u.Code)
		}
	}
	return codes
}

// Units lists the provinces, districts and wards, parents first, wards
// spread evenly over the districts.
func (c Country) Units() []Unit {
	var out []Unit
	districts := Provinces * DistrictsPerProvince
	for p := 1; p <= Provinces; p++ {
		pc := fmt.Sprintf("P%02d", p)
		out = append(out, Unit{Code: pc, Kind: "province", Name: fmt.Sprintf("Tỉnh Thử Nghiệm %02d", p), Parent: "VN"})
		for d := 1; d <= DistrictsPerProvince; d++ {
			out = append(out, Unit{Code: fmt.Sprintf("%sD%02d", pc, d), Kind: "district", Name: fmt.Sprintf("Quận Đống Đa %02d-%02d", p, d), Parent: pc})
		}
	}
	// Wards go round the provinces, then round each province's districts,
	// so that every province has its share whatever the number of wards.
	for w := 0; w < c.Wards; w++ {
		p, d := w%Provinces+1, (w/Provinces)%DistrictsPerProvince+1
		parent := fmt.Sprintf("P%02dD%02d", p, d)
		out = append(out, Unit{Code: fmt.Sprintf("%sW%04d", parent, w/districts+1), Kind: "ward",
			Name: fmt.Sprintf("Phường Ô Chợ Dừa %d", w+1), Parent: parent})
	}
	return out
}

// valuePools lists, for a measure, every value the generator writes on
// its scale, split into those that meet the threshold ([1]) and those that
// do not ([0]). Picking from a pool is drawing uniformly until the value
// lands on the wanted side, without judging each draw.
func valuePools(c assess.Criterion) [2][]string {
	var candidates []string
	switch c.Scale {
	case assess.Share:
		for n := 70; n < 100; n++ {
			for d := range 10 {
				candidates = append(candidates, fmt.Sprintf("%d.%d", n, d))
			}
		}
		candidates = append(candidates, "100")
	case assess.Count:
		candidates = []string{"0", "1", "2", "3"}
	default:
		for n := -20; n <= 10; n++ {
			for d := range 10 {
				candidates = append(candidates, fmt.Sprintf("%d.%d", n, d))
			}
		}
	}
	var pools [2][]string
	for _, v := range candidates {
		if st, err := c.Evaluate(v); err == nil {
			if st == assess.Met {
				pools[1] = append(pools[1], v)
			} else {
				pools[0] = append(pools[0], v)
			}
		}
	}
	return pools
}

// value picks a value that meets the threshold or not, with its status;
// the threshold itself when no value on the scale does.
func value(rng *rand.Rand, c assess.Criterion, pools [2][]string, met bool) (string, assess.Status) {
	pool, status := pools[0], assess.NotMet
	if met {
		pool, status = pools[1], assess.Met
	}
	if len(pool) == 0 {
		st, _ := c.Evaluate(c.Threshold)
		return c.Threshold, st
	}
	return pool[rng.IntN(len(pool))], status
}

// Assessments calls fn with every generated assessment of a ward in a
// year, ward by ward, year by year. A ward may have no assessment for a
// year (it has not started).
func (c Country) Assessments(years []int, catalogue []assess.Criterion, fn func(Assessment) error) error {
	rng := rand.New(rand.NewPCG(c.Seed, 0x6d6f64656c77)) // #nosec G404 -- a synthetic country must come back the same from its seed; nothing here is secret
	pools := map[int][2][]string{}
	for _, k := range catalogue {
		if k.Kind == assess.Measure {
			pools[k.Number] = valuePools(k)
		}
	}
	for _, code := range c.wardCodes() {
		// Some wards are better than others, year after year.
		quality := 0.7 + 0.3*rng.Float64()
		for _, year := range years {
			roll := rng.Float64()
			if roll < 0.05 {
				continue
			}
			a := Assessment{Ward: code, Year: year}
			switch {
			case roll < 0.40:
				a.State = assess.Draft
			case roll < 0.60:
				a.State = assess.Submitted
			case roll < 0.65:
				a.State = assess.Returned
			case roll < 0.90:
				a.State = assess.Approved
			default:
				a.State = assess.Recognized
				a.DecisionNo = fmt.Sprintf("%d/QĐ-BCA", 1000+rng.IntN(9000))
			}
			for _, k := range catalogue {
				r := Result{Number: k.Number}
				met := a.State == assess.Recognized || rng.Float64() < quality
				switch {
				case !met && rng.IntN(3) == 0 && a.State == assess.Draft:
					r.Status = assess.InProgress
				case k.Kind == assess.Measure:
					r.Value, r.Status = value(rng, k, pools[k.Number], met)
				case met:
					r.Status = assess.Met
				default:
					r.Status = assess.NotMet
				}
				if rng.IntN(5) == 0 {
					r.Note = fmt.Sprintf("Ghi chú số liệu quý %d năm %d: đã kiểm tra, đối chiếu sổ sách.", 1+rng.IntN(4), year)
				}
				a.Results = append(a.Results, r)
				if rng.IntN(10) == 0 {
					dated := time.Date(year, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
					content := fmt.Appendf(nil, "%%PDF-1.4\n%% Minh chứng %s năm %d tiêu chí %d\n%%%%EOF\n", code, year, k.Number)
					sum := sha256.Sum256(content)
					a.Evidence = append(a.Evidence, Evidence{Number: k.Number, Title: fmt.Sprintf("Biên bản kiểm tra tiêu chí %d", k.Number),
						Dated: dated, Content: content, SHA256: sum[:]})
				}
			}
			if err := fn(a); err != nil {
				return err
			}
		}
	}
	return nil
}
