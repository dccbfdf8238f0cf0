// Package seed builds the demo data that `modelward seed --demo` loads: the
// demo unit tree, the criteria catalogues, the demo users and the demo
// assessments. The figures are illustrative.
package seed

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
)

//go:embed data/*.csv
var files embed.FS

// DemoPassword is the password of every demo user.
const DemoPassword = "modelward-demo"

// DemoUsers are the demo sign-ins, as DESIGN.md names them.
var DemoUsers = []store.NewUser{
	{Username: "admin", FullName: "Quản trị hệ thống", Role: "admin", UnitCode: "VN"},
	{Username: "bocongan", FullName: "Cục V05 – Bộ Công an", Role: "ministry", UnitCode: "VN"},
	{Username: "hanoi", FullName: "Công an Thành phố Hà Nội", Role: "reviewer", UnitCode: "01"},
	{Username: "phula", FullName: "Công an phường Phú La", Role: "ward_officer", UnitCode: "09552"},
}

// Demo returns the whole demo data set.
func Demo() (store.Demo, error) {
	var d store.Demo
	var err error
	if d.Units, err = readUnits(); err != nil {
		return d, err
	}
	if d.Successors, err = readSuccessors(); err != nil {
		return d, err
	}
	criteria, err := readCriteria()
	if err != nil {
		return d, err
	}
	for _, year := range []int{2022, 2023, 2024, 2025} {
		d.Catalogues = append(d.Catalogues, store.Catalogue{
			Year:         year,
			YearEndOpens: time.Date(year, time.November, 1, 0, 0, 0, 0, time.UTC),
			Criteria:     criteria,
		})
	}
	hash, err := assess.HashPassword(DemoPassword)
	if err != nil {
		return d, err
	}
	for _, u := range DemoUsers {
		u.PasswordHash = hash
		d.Users = append(d.Users, u)
	}
	d.Assessments, err = demoAssessments(criteria, d.Units)
	return d, err
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

func parseDate(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func readUnits() ([]store.Unit, error) {
	rows, err := readCSV("demo-units.csv", "code,kind,name,parent_code,valid_from,valid_to")
	if err != nil {
		return nil, err
	}
	var units []store.Unit
	for i, r := range rows {
		u := store.Unit{Code: r[0], Kind: r[1], Name: r[2], ParentCode: r[3]}
		if u.ValidFrom, err = parseDate(r[4]); err != nil {
			return nil, fmt.Errorf("demo-units.csv line %d: %w", i+2, err)
		}
		if u.ValidTo, err = parseDate(r[5]); err != nil {
			return nil, fmt.Errorf("demo-units.csv line %d: %w", i+2, err)
		}
		units = append(units, u)
	}
	return units, nil
}

func readSuccessors() ([][2]string, error) {
	rows, err := readCSV("demo-successors.csv", "old_code,new_code")
	if err != nil {
		return nil, err
	}
	var pairs [][2]string
	for _, r := range rows {
		pairs = append(pairs, [2]string{r[0], r[1]})
	}
	return pairs, nil
}

// Criteria2023 is the starting catalogue, from criteria-2023.csv.
func Criteria2023() ([]assess.Criterion, error) { return readCriteria() }

func readCriteria() ([]assess.Criterion, error) {
	rows, err := readCSV("criteria-2023.csv", "number,group,group_vi,group_en,title_vi,title_en,kind,unit,comparator,threshold,year_end")
	if err != nil {
		return nil, err
	}
	var cs []assess.Criterion
	for i, r := range rows {
		n, err := strconv.Atoi(r[0])
		if err != nil {
			return nil, fmt.Errorf("criteria-2023.csv line %d: number: %w", i+2, err)
		}
		yearEnd, err := strconv.ParseBool(r[10])
		if err != nil {
			return nil, fmt.Errorf("criteria-2023.csv line %d: year_end: %w", i+2, err)
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

// scaleOf tells the scale of a measure of the starting catalogue, which has
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
