// Package seed builds the demo data that `modelward seed --demo` loads: the
// official unit tree of Vietnam from April 2023 to today (data/vn, with
// its licences), the criteria catalogues of 2022–2026, the demo users, and
// the demo programme: which wards registered in which year at which level,
// with their assessments. The figures are illustrative.
package seed

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
)

//go:embed data/*.csv data/vn/*.csv data/vn/LICENSES.txt
var files embed.FS

// DemoPassword is the password of every demo user.
const DemoPassword = "modelward-demo"

// DemoFactorSecret is the second factor (TOTP, base32) of the demo's
// admin and bocongan, who must use one: anyone can add it to an
// authenticator app to sign in to the demo. Demo only.
const DemoFactorSecret = "MODELWARDDEMOTOTPSECRET234"

// DemoDay is the day the demo is set on: the year-end window of 2026 is
// open. Demo users belong to the units in force that day.
var DemoDay = time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)

// DemoUsers are the demo sign-ins, as DESIGN.md names them. phula is an
// officer of the ward with code 09552 on the demo's day: Phường Kiến Hưng,
// which took over most of Phường Phú La in the reform of 1 July 2025.
var DemoUsers = []store.NewUser{
	{Username: "admin", FullName: "Quản trị hệ thống", Role: "admin", UnitCode: "VN", FactorSecret: DemoFactorSecret},
	{Username: "bocongan", FullName: "Cục V05 – Bộ Công an", Role: "ministry", UnitCode: "VN", FactorSecret: DemoFactorSecret},
	{Username: "hanoi", FullName: "Công an Thành phố Hà Nội", Role: "reviewer", UnitCode: "01"},
	{Username: "phula", FullName: "Công an phường Kiến Hưng", Role: "ward_officer", UnitCode: "09552"},
}

// demoCalendars are the demo years' calendars: 2026's as the programme
// runs it (registration closed, the year-end window open, wards' files due
// at the end of the year).
var demoCalendars = map[int]assess.Calendar{
	2026: {
		RegistrationDue:   day(2026, time.March, 31),
		SelfAssessmentDue: day(2026, time.December, 31),
		ReviewDue:         day(2027, time.January, 31),
		InspectionFrom:    day(2026, time.December, 1),
		InspectionTo:      day(2026, time.December, 20),
		DecisionDue:       day(2027, time.April, 30),
	},
}

func day(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

// catalogueYears says which catalogue file each demo year uses.
var catalogueYears = []struct {
	year int
	file string
}{
	{2022, "criteria-2023.csv"}, {2023, "criteria-2023.csv"},
	{2024, "criteria-2024.csv"}, {2025, "criteria-2024.csv"}, {2026, "criteria-2024.csv"},
}

// Demo returns the whole demo data set, seeded on the day today: the
// workflow's dates of the open year fall before it (the tests seed on
// DemoDay).
func Demo(today time.Time) (Data, error) {
	var d Data
	var err error
	if d.UnitsCSV, d.SuccessorsCSV, err = Tree(); err != nil {
		return d, err
	}
	byYear := map[int][]assess.Criterion{}
	for _, cy := range catalogueYears {
		criteria, err := readCriteria(cy.file)
		if err != nil {
			return d, err
		}
		byYear[cy.year] = criteria
		d.Catalogues = append(d.Catalogues, store.Catalogue{
			Year:         cy.year,
			YearEndOpens: time.Date(cy.year, time.November, 1, 0, 0, 0, 0, time.UTC),
			Criteria:     criteria,
			Calendar:     demoCalendars[cy.year],
		})
	}
	hash, err := assess.HashPassword(DemoPassword)
	if err != nil {
		return d, err
	}
	for _, u := range DemoUsers {
		u.PasswordHash = hash
		u.On = DemoDay
		d.Users = append(d.Users, u)
	}
	if d.Quotas, err = readQuotas(); err != nil {
		return d, err
	}
	if d.Assessments, err = programme(byYear, today); err != nil {
		return d, err
	}
	d.Appraisals, d.Inspections = demoAppraisals, demoInspections()
	for year, dec := range decisions {
		d.Decisions = append(d.Decisions, Decision{Year: year, Number: dec.no, Signer: "Người ký (dữ liệu minh họa)", SignerTitle: "Bộ trưởng"})
	}
	slices.SortFunc(d.Decisions, func(a, b Decision) int { return a.Year - b.Year })
	return d, nil
}

// Tree returns the official lists of units and successors of data/vn.
func Tree() (units, successors []byte, err error) {
	if units, err = files.ReadFile("data/vn/units.csv"); err != nil {
		return nil, nil, err
	}
	successors, err = files.ReadFile("data/vn/successors.csv")
	return units, successors, err
}

func readCSV(name string, header string) ([][]string, error) {
	b, err := files.ReadFile("data/" + name)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(b))
	var rows [][]string
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if line == 1 {
			if strings.Join(rec, ",") != header {
				return nil, fmt.Errorf("%s: header is %q, want %q", name, strings.Join(rec, ","), header)
			}
			continue
		}
		rows = append(rows, rec)
	}
	return rows, nil
}

func readQuotas() ([]Quota, error) {
	rows, err := readCSV("demo-quotas.csv", "year,province_code,quota")
	if err != nil {
		return nil, err
	}
	var quotas []Quota
	for i, r := range rows {
		year, err1 := strconv.Atoi(r[0])
		n, err2 := strconv.Atoi(r[2])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("demo-quotas.csv line %d: not a number", i+2)
		}
		quotas = append(quotas, Quota{Year: year, ProvinceCode: r[1], Quota: n})
	}
	return quotas, nil
}

// Criteria2023 is the starting catalogue, from criteria-2023.csv.
func Criteria2023() ([]assess.Criterion, error) { return readCriteria("criteria-2023.csv") }

// Criteria2024 is the catalogue from 2024 on, from criteria-2024.csv.
func Criteria2024() ([]assess.Criterion, error) { return readCriteria("criteria-2024.csv") }

func readCriteria(name string) ([]assess.Criterion, error) {
	rows, err := readCSV(name, "number,group,group_vi,group_en,title_vi,title_en,kind,unit,comparator,threshold,year_end")
	if err != nil {
		return nil, err
	}
	var cs []assess.Criterion
	for i, r := range rows {
		n, err := strconv.Atoi(r[0])
		if err != nil {
			return nil, fmt.Errorf("%s line %d: number: %w", name, i+2, err)
		}
		yearEnd, err := strconv.ParseBool(r[10])
		if err != nil {
			return nil, fmt.Errorf("%s line %d: year_end: %w", name, i+2, err)
		}
		c := assess.Criterion{
			Number: n, Group: r[1], GroupVI: r[2], GroupEN: r[3], TitleVI: r[4], TitleEN: r[5],
			Kind: assess.Kind(r[6]), Unit: r[7], Comparator: assess.Comparator(r[8]), Threshold: r[9],
			YearEnd: yearEnd,
		}
		if c.Kind == assess.Measure {
			c.Scale = scaleOf(c)
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// scaleOf tells the scale of a measure of the catalogue files, which have
// no column for it: a percentage is a change against the previous year when
// its title says so, a share otherwise; anything else is a count.
func scaleOf(c assess.Criterion) assess.Scale {
	switch {
	case c.Unit == "%" && strings.HasPrefix(c.TitleEN, "Change"):
		return assess.Change
	case c.Unit == "%":
		return assess.Share
	}
	return assess.Count
}
