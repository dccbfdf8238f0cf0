package store

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// WardStanding is one ward's place in a year, as dashboards and the summary
// export list it.
type WardStanding struct {
	ProvinceCode string
	Province     string
	DistrictCode string // empty for a ward directly under a province
	District     string
	Code         string
	Name         string
	// State is the assessment's workflow state, or empty when the ward has
	// no assessment for the year yet.
	State       assess.State
	SubmittedAt *time.Time
	Standing    assess.Standing
	// Statuses holds the shown status of each criterion in catalogue order.
	Statuses []assess.Status
	// Level is the level the ward is registered at: ministry or city.
	Level        string
	DecisionNo   string
	DecisionDate *time.Time
	// Standing is the official one; Claimed, Appraised and Inspected are
	// each tier's criteria met (nil for a tier not reached), and
	// Inspection the inspection's conclusion (recognize, decline or "").
	Claimed    int
	Appraised  *int
	Inspected  *int
	Inspection string
	// AppraisalChanged and InspectionChanged are the criteria each tier
	// overturned (assess.Changed).
	AppraisalChanged  []int
	InspectionChanged []int
	// AssessmentID is the file's, 0 when the ward has none yet.
	AssessmentID int64
}

// shownSQL is the SQL twin of assess.Criterion.Shown for the stored status
// the SQL expression stored gives (NULL for no judgement) of criterion c;
// the store tests hold the two to the same answers.
func shownSQL(stored string) string {
	return `CASE WHEN c.year_end AND coalesce(` + stored + `, 'not_started') NOT IN ('met', 'not_met')
	     THEN 'pending_year_end'
	     ELSE coalesce(` + stored + `, 'not_started') END`
}

// tierReachedSQL is the SQL twin of assess.Judgements.Reached for
// assessment a.
const tierReachedSQL = `
	CASE WHEN EXISTS (SELECT 1 FROM findings f WHERE f.assessment_id = a.id)
	          OR EXISTS (SELECT 1 FROM inspection_wards v WHERE v.assessment_id = a.id AND v.concluded_at IS NOT NULL)
	     THEN 'inspected'
	     WHEN a.state IN ('approved', 'recognized') OR EXISTS (SELECT 1 FROM appraisals p WHERE p.assessment_id = a.id)
	     THEN 'appraised'
	     ELSE 'claimed' END`

// wardStandingsSQL lists the wards registered in a year ($1) in the
// subtree of the unit that code $2 names that year, with their standings
// as stored on their assessments; a registered ward without an assessment
// has met nothing and has every year-end criterion pending. Each ward is
// placed in the tree as it stood on the ward's day of the year (31
// December, or its last day when it ended in the year).
const wardStandingsSQL = `
		WITH RECURSIVE target AS MATERIALIZED (SELECT id, kind FROM units WHERE id = unit_in_year($2, $1)),
		below AS (
		    SELECT id FROM target WHERE kind <> 'ministry'
		    UNION
		    SELECT l.child_id FROM unit_parents l JOIN below ON l.parent_id = below.id
		),
		-- The year's registrations: all of them nationally, else those of
		-- the units ever below the target (placement below picks the year's).
		regs AS (
		    SELECT r.* FROM registrations r, target WHERE r.year = $1 AND target.kind = 'ministry'
		    UNION ALL
		    SELECT r.* FROM registrations r JOIN below ON r.ward_id = below.id WHERE r.year = $1
		),
		-- Materialised: counted once, not for every ward.
		blank AS MATERIALIZED (
		    SELECT count(*) AS total,
		           count(*) FILTER (WHERE year_end) AS pending,
		           coalesce(array_agg(CASE WHEN year_end THEN 'pending_year_end' ELSE 'not_started' END ORDER BY number), '{}') AS statuses
		    FROM criteria WHERE year = $1
		)
		SELECT p.code, p.name, coalesce(d.code, ''), coalesce(d.name, ''),
		       w.code, w.name, coalesce(a.state, ''), a.submitted_at,
		       coalesce(a.met, 0), blank.total, coalesce(a.pending, blank.pending), coalesce(a.statuses, blank.statuses),
		       r.level, coalesce(a.decision_no, ''), a.decision_date,
		       coalesce(a.claimed_met, 0), a.appraised_met, a.inspected_met, coalesce(v.proposal, ''),
		       coalesce(a.appraisal_changed, '{}'), coalesce(a.inspection_changed, '{}'), coalesce(a.id, 0)
		FROM regs r
		JOIN units w ON w.id = r.ward_id` + placeWardSQL + `
		JOIN units p ON p.id = ` + provinceIDSQL + `
		LEFT JOIN assessments a ON a.ward_id = w.id AND a.year = $1
		LEFT JOIN inspection_wards v ON v.assessment_id = a.id
		CROSS JOIN blank CROSS JOIN target
		WHERE target.kind = 'ministry' OR target.id IN (p.id, d.id, w.id)
		ORDER BY p.code, d.code NULLS FIRST, w.code`

// placeWardSQL places ward w in the tree as it stood on the ward's day of
// year $1 (31 December, or its last day when it ended in the year): up is
// its parent, d its district (NULL after the reform), and provinceIDSQL
// its province's id.
const placeWardSQL = `
		JOIN unit_parents l1 ON l1.child_id = w.id AND l1.span @> unit_day(w.valid_to, $1)
		JOIN units up ON up.id = l1.parent_id
		LEFT JOIN units d ON d.id = up.id AND up.kind = 'district'
		LEFT JOIN unit_parents l2 ON up.kind = 'district' AND l2.child_id = up.id AND l2.span @> unit_day(w.valid_to, $1)`

// placeWardOn is placeWardSQL for the year given by the SQL expression
// year, when it is not $1 (a row's own year, across years).
func placeWardOn(year string) string {
	return strings.ReplaceAll(placeWardSQL, "unit_day(w.valid_to, $1)", "unit_day(w.valid_to, "+year+")")
}

const provinceIDSQL = `CASE WHEN up.kind = 'district' THEN l2.parent_id ELSE up.id END`

// refreshYearSQL counts again, in SQL, the stored standings of every
// assessment of a year ($1) in each tier, the official one being the last
// tier reached: after a bulk load or a change of catalogue. The tests hold
// it to the same answers as assess.ComputeStandings.
var refreshYearSQL = `
		UPDATE assessments a
		SET claimed_met = s.claimed, appraised_met = s.appraised, inspected_met = s.inspected,
		    met = s.met, pending = s.pending, statuses = s.statuses,
		    appraisal_changed = s.appraisal_changed, inspection_changed = s.inspection_changed
		FROM (
		    SELECT a.id,
		           coalesce(array_agg(c.number ORDER BY c.number) FILTER (WHERE p.number IS NOT NULL AND x.appraisal <> x.claim), '{}') AS appraisal_changed,
		           coalesce(array_agg(c.number ORDER BY c.number) FILTER (WHERE f.number IS NOT NULL AND x.inspection <> x.appraisal), '{}') AS inspection_changed,
		           count(*) FILTER (WHERE x.claim = 'met') AS claimed,
		           CASE WHEN t.tier <> 'claimed' THEN count(*) FILTER (WHERE x.appraisal = 'met') END AS appraised,
		           CASE WHEN t.tier = 'inspected' THEN count(*) FILTER (WHERE x.inspection = 'met') END AS inspected,
		           count(*) FILTER (WHERE o.shown = 'met') AS met,
		           count(*) FILTER (WHERE o.shown = 'pending_year_end') AS pending,
		           array_agg(o.shown ORDER BY c.number) AS statuses
		    FROM assessments a
		    CROSS JOIN LATERAL (SELECT ` + tierReachedSQL + ` AS tier) t
		    JOIN criteria c ON c.year = a.year
		    LEFT JOIN results r ON r.assessment_id = a.id AND r.number = c.number
		    LEFT JOIN appraisals p ON p.assessment_id = a.id AND p.number = c.number
		    LEFT JOIN findings f ON f.assessment_id = a.id AND f.number = c.number
		    CROSS JOIN LATERAL (SELECT ` + shownSQL("r.status") + ` AS claim,
		                               ` + shownSQL("coalesce(p.status, r.status)") + ` AS appraisal,
		                               ` + shownSQL("coalesce(f.status, p.status, r.status)") + ` AS inspection) x
		    CROSS JOIN LATERAL (SELECT CASE t.tier WHEN 'inspected' THEN x.inspection WHEN 'appraised' THEN x.appraisal
		                               ELSE x.claim END AS shown) o
		    WHERE a.year = $1
		    GROUP BY a.id, t.tier
		) s
		WHERE a.id = s.id`

func refreshYear(ctx context.Context, tx pgx.Tx, year int) error {
	if _, err := tx.Exec(ctx, refreshYearSQL, year); err != nil {
		return fmt.Errorf("refresh standings %d: %w", year, err)
	}
	return nil
}

// RefreshStandings counts again every stored standing of a year, for data
// written around the store (a bulk load, a repair by hand).
func (s *Store) RefreshStandings(ctx context.Context, year int) error {
	return s.Transact(ctx, func(tx pgx.Tx) error { return refreshYear(ctx, tx, year) })
}

// refreshAssessment stores one assessment's standings, counted in Go by
// assess.ComputeStandings, in the transaction that changed it.
func refreshAssessment(ctx context.Context, tx pgx.Tx, id int64, year int) error {
	f, err := fileOf(ctx, tx, id, year)
	if err != nil {
		return err
	}
	tiers, j := f.standings(), f.Judgements
	official, statuses := StoredStanding(f.Catalogue, j.At(j.Reached()))
	byAppraisal, byInspection := assess.Changed(f.Catalogue, j)
	_, err = tx.Exec(ctx, `UPDATE assessments SET met = $2, pending = $3, statuses = $4,
		claimed_met = $5, appraised_met = $6, inspected_met = $7, appraisal_changed = $8, inspection_changed = $9 WHERE id = $1`,
		id, official.Met, official.PendingYearEnd, statuses, tiers.Claimed.Met, metOf(tiers.Appraised), metOf(tiers.Inspected),
		orEmpty(byAppraisal), orEmpty(byInspection))
	return err
}

// orEmpty is ns, or an empty list for none (the columns are NOT NULL).
func orEmpty(ns []int) []int {
	if ns == nil {
		return []int{}
	}
	return ns
}

func metOf(s *assess.Standing) *int {
	if s == nil {
		return nil
	}
	return &s.Met
}

// StoredStanding is what an assessment keeps of its official standing:
// the counts, and the shown status of each criterion in catalogue order
// (met, pending, statuses), as refreshAssessment writes them and the
// synthetic loaders copy them.
func StoredStanding(catalogue []assess.Criterion, stored map[int]assess.Status) (assess.Standing, []string) {
	statuses := make([]string, len(catalogue))
	for i, c := range catalogue {
		statuses[i] = string(c.Shown(stored[c.Number]))
	}
	return assess.ComputeStanding(catalogue, stored), statuses
}

// WardStandings lists every ward registered in year in the subtree of the
// unit that code names that year, with its standing, ordered by province,
// district and ward code.
func (s *Store) WardStandings(ctx context.Context, year int, code string) ([]WardStanding, error) {
	var list []WardStanding
	err := s.EachWardStanding(ctx, year, code, func(w WardStanding) error {
		list = append(list, w)
		return nil
	})
	return list, err
}

// EachWardStanding calls fn for each ward WardStandings lists, as the rows
// arrive, so that exports hold one ward at a time whatever the country's size.
func (s *Store) EachWardStanding(ctx context.Context, year int, code string, fn func(WardStanding) error) error {
	rows, err := s.readQuery(ctx, wardStandingsSQL, year, code)
	if err != nil {
		return fmt.Errorf("ward standings %d %s: %w", year, code, err)
	}
	defer rows.Close()
	for rows.Next() {
		var w WardStanding
		var statuses []string
		if err := rows.Scan(&w.ProvinceCode, &w.Province, &w.DistrictCode, &w.District,
			&w.Code, &w.Name, &w.State, &w.SubmittedAt,
			&w.Standing.Met, &w.Standing.Total, &w.Standing.PendingYearEnd, &statuses,
			&w.Level, &w.DecisionNo, &w.DecisionDate,
			&w.Claimed, &w.Appraised, &w.Inspected, &w.Inspection, &w.AppraisalChanged, &w.InspectionChanged, &w.AssessmentID); err != nil {
			return fmt.Errorf("ward standings %d %s: %w", year, code, err)
		}
		w.Statuses = make([]assess.Status, len(statuses))
		for i, st := range statuses {
			w.Statuses[i] = assess.Status(st)
		}
		if err := fn(w); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ward standings %d %s: %w", year, code, err)
	}
	return nil
}

// PreviousStanding is how a ward, or a ward it took over, stood in an
// earlier year.
type PreviousStanding struct {
	Ward   string // the ward asked about
	Source string // the ward that stood: the same ward, or one it took over
	Name   string
	Met    int
	Total  int
}

// PreviousStandings returns, for each ward code of year+1, the standing in
// year of that ward and of every ward it took over (the successor mapping), so that
// a new ward compares with the wards it replaced. Wards with no assessment
// in year are left out. One query, whatever the number of wards.
func (s *Store) PreviousStandings(ctx context.Context, year int, codes []string) ([]PreviousStanding, error) {
	rows, err := s.readQuery(ctx, `
		WITH targets AS (SELECT code, unit_in_year(code, $1 + 1) AS id FROM unnest($2::text[]) AS code),
		pairs AS (
		    SELECT code AS target, id AS target_id, id AS source FROM targets
		    UNION ALL
		    SELECT t.code, t.id, s.old_id FROM unit_links s JOIN targets t ON t.id = s.new_id
		),
		catalogue AS (SELECT count(*) AS total FROM criteria WHERE year = $1)
		SELECT p.target, u.code, u.name, a.met, catalogue.total
		FROM pairs p
		JOIN units u ON u.id = p.source
		JOIN assessments a ON a.ward_id = p.source AND a.year = $1
		CROSS JOIN catalogue
		ORDER BY p.target, p.target_id <> p.source, u.code`, year, codes)
	if err != nil {
		return nil, fmt.Errorf("previous standings %d: %w", year, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PreviousStanding, error) {
		var p PreviousStanding
		err := r.Scan(&p.Ward, &p.Source, &p.Name, &p.Met, &p.Total)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("previous standings %d: %w", year, err)
	}
	return list, nil
}

// CopySummaryCSV writes the summary rows of the wards WardStandings lists
// as CSV, in the contract's columns, straight from PostgreSQL's COPY: the
// national export goes at the database's own speed. criteria is the size of
// the year's catalogue. The caller writes the byte-order mark and header.
func (s *Store) CopySummaryCSV(ctx context.Context, year int, code string, criteria int, w io.Writer) error {
	conn, err := s.readConn(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	var cols strings.Builder
	for i := 1; i <= criteria; i++ {
		fmt.Fprintf(&cols, ", statuses[%d]", i)
	}
	// A ward directly under a province has NULL, written as an empty field
	// (COPY writes an empty string as "").
	// A name starting with =, +, - or @ would be taken for a formula by a
	// spreadsheet program: it is written as text, behind an apostrophe.
	text := func(col string) string {
		return `CASE WHEN ` + col + ` ~ '^[=+@-]' THEN '''' || ` + col + ` ELSE ` + col + ` END`
	}
	sql := `COPY (
		SELECT province_code, ` + text("province") + `, NULLIF(district_code, ''), NULLIF(` + text("district") + `, ''),
		       ward_code, ` + text("ward") + `,
		       CASE WHEN state = '' THEN 'not_started' ELSE state END, met, total, pending` + cols.String() + `,
		       level, NULLIF(` + text("decision_no") + `, ''), decision_date,
		       claimed_met, appraised_met, inspected_met, NULLIF(inspection, '')
		FROM (` + bindLiterals(wardStandingsSQL, year, code) + `) AS x(province_code, province, district_code, district,
		     ward_code, ward, state, submitted_at, met, total, pending, statuses, level, decision_no, decision_date,
		     claimed_met, appraised_met, inspected_met, inspection, appraisal_changed, inspection_changed, assessment_id)
		ORDER BY province_code, district_code, ward_code
	) TO STDOUT WITH (FORMAT csv)`
	_, err = conn.Conn().PgConn().CopyTo(ctx, w, sql)
	return err
}

// bindLiterals puts the year and unit code into a query for COPY, which
// takes no parameters. The code has been looked up already; it is quoted
// all the same.
func bindLiterals(sql string, year int, code string) string {
	return strings.NewReplacer("$1", strconv.Itoa(year), "$2", "'"+strings.ReplaceAll(code, "'", "''")+"'").Replace(sql)
}

// CopyWardStandings runs the WardStandings query through COPY into w: what
// PostgreSQL alone takes to hand over the rows an export writes, the
// benchmark's baseline.
func (s *Store) CopyWardStandings(ctx context.Context, year int, code string, w io.Writer) error {
	conn, err := s.readConn(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	_, err = conn.Conn().PgConn().CopyTo(ctx, w, "COPY ("+bindLiterals(wardStandingsSQL, year, code)+") TO STDOUT")
	return err
}
