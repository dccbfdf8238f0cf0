package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// WardView is everything the ward page shows.
type WardView struct {
	Catalogue  Catalogue
	Path       []Unit // the ward and its ancestors, root first
	Years      []int
	Assessment Assessment
	// Evidence is the ward's own; VisitEvidence what the inspection team
	// took on its visit.
	Evidence      []Evidence
	VisitEvidence []Evidence
	Comments      []Comment
	Predecessors  []Lineage
	Successors    []Lineage
	// Level is the level the ward is registered at for the year, empty
	// when it is not registered; Registered lists every year it is.
	Level      string
	Registered []int
	// Calendar is the year's; Extension the ward's extension in force.
	Calendar  assess.Calendar
	Extension *Extension
	// Returned are the criteria the last return named, with their
	// reasons; Snapshot is what the latest return or approval saw.
	Returned map[int]string
	Snapshot *Snapshot
}

// errNoUnit means the code names no unit in the year asked for.
var errNoUnit = errors.New("no unit")

// wardHeadSQL reads, in one row, what the ward page shows once: the
// year's year-end date, its calendar, the years there are; the ward's
// registrations (every year, and the level of this one); its extension in
// force; and the criteria the last return named, with their reasons. The
// ward is found once, in a subquery: written plainly, unit_in_year would
// run again in every subquery that uses it. The page runs it by the ward's
// id (byWardID).
const wardHeadSQL = `
	SELECT c.year_end_opens, ARRAY(` + yearsSQL + `), ` + calendarColumns + `,
	       ARRAY(SELECT r.year FROM registrations r WHERE r.ward_id = w.id ORDER BY r.year),
	       (SELECT r.level FROM registrations r WHERE r.ward_id = w.id AND r.year = $2),
	       ext.until, ext.reason, ext.granted_by, ext.granted_at,
	       (SELECT jsonb_object_agg(rc.number, rc.reason) FROM returned_criteria rc
	        JOIN assessments a ON a.id = rc.assessment_id WHERE a.ward_id = w.id AND a.year = $2)
	FROM catalogues c
	CROSS JOIN (SELECT (SELECT unit_in_year($1, $2)) AS id) w
	LEFT JOIN LATERAL (
	    SELECT e.until, e.reason, coalesce(u.full_name, '') AS granted_by, e.granted_at
	    FROM extensions e LEFT JOIN users u ON u.id = e.granted_by
	    WHERE e.year = $2 AND e.ward_id = w.id AND e.revoked_at IS NULL
	) ext ON true
	WHERE c.year = $2`

// byWardID is a statement about the unit that code $1 names in year $2
// rewritten for the unit whose id is $1.
func byWardID(sql string) string {
	const lookup = "unit_in_year($1, $2)"
	if !strings.Contains(sql, lookup) {
		panic("byWardID: no " + lookup + " in " + sql)
	}
	return strings.ReplaceAll(sql, lookup, "$1::bigint")
}

// The ward page's statements, for the ward's id: each looked the ward up
// by its code again, nine lookups a page, which with the lookups' cost
// then (migration 00025) took half of the page's time in PostgreSQL.
var (
	wardHeadByIDSQL   = byWardID(wardHeadSQL)
	assessmentByIDSQL = byWardID(assessmentSQL)
	resultsByIDSQL    = byWardID(resultsSQL)
	evidenceByIDSQL   = byWardID(evidenceOfSQL)
	commentsByIDSQL   = byWardID(commentsSQL)
	lineageByIDSQL    = byWardID(lineageSQL)
	snapshotByIDSQL   = byWardID(snapshotSQL)
)

// WardView reads the ward page's data in two round trips to the database:
// the unit that code names in year with its ancestors, then everything
// else, by the unit's id, as one pipelined batch. The unit may turn out not
// to be a ward; the caller checks Path.
func (s *Store) WardView(ctx context.Context, year int, code string) (WardView, error) {
	v := WardView{Catalogue: Catalogue{Year: year}, Assessment: Assessment{WardCode: code, Year: year, Results: map[int]Result{}}}
	err := func() error {
		var err error
		if v.Path, err = s.path(ctx, unitPathSQL, code, year); err != nil {
			return err
		}
		if len(v.Path) == 0 {
			return errNoUnit
		}
		id := v.Path[len(v.Path)-1].ID
		b := &pgx.Batch{}
		b.Queue(wardHeadByIDSQL, id, year)
		b.Queue(criteriaSQL, year)
		b.Queue(assessmentByIDSQL, id, year)
		b.Queue(resultsByIDSQL, id, year)
		b.Queue(evidenceByIDSQL, id, year)
		b.Queue(commentsByIDSQL, id, year)
		b.Queue(lineageByIDSQL, id) // the links name units by id: no year
		b.Queue(snapshotByIDSQL, id, year)
		b.Queue(judgementsSQL, id, year)
		br := s.pool.SendBatch(ctx, b)
		defer br.Close()

		var level *string
		var ext struct {
			until     *time.Time
			reason    *string
			grantedBy *string
			grantedAt *time.Time
		}
		dest := append([]any{&v.Catalogue.YearEndOpens, &v.Years}, calendarDest(&v.Calendar)...)
		dest = append(dest, &v.Registered, &level, &ext.until, &ext.reason, &ext.grantedBy, &ext.grantedAt, &v.Returned)
		err = br.QueryRow().Scan(dest...)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("catalogue %d: %w", year, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if level != nil {
			v.Level = *level
		}
		if ext.until != nil {
			v.Extension = &Extension{Until: *ext.until, Reason: *ext.reason, GrantedBy: *ext.grantedBy, GrantedAt: *ext.grantedAt}
		}
		if len(v.Registered) == 0 {
			v.Registered = nil
		}
		rows, err := br.Query()
		if err != nil {
			return err
		}
		if v.Catalogue.Criteria, err = pgx.CollectRows(rows, scanCriterion); err != nil {
			return err
		}
		if err := scanAssessment(br.QueryRow(), &v.Assessment); err != nil {
			return err
		}
		rest := []func(pgx.Rows) error{
			func(rows pgx.Rows) error { return collectResults(rows, &v.Assessment) },
			func(rows pgx.Rows) error { return collectEvidence(rows, &v) },
			func(rows pgx.Rows) (err error) { v.Comments, err = pgx.CollectRows(rows, scanComment); return },
			func(rows pgx.Rows) (err error) { v.Predecessors, v.Successors, err = collectLineage(rows); return },
			func(rows pgx.Rows) (err error) { v.Snapshot, err = scanSnapshot(rows); return },
			func(rows pgx.Rows) error { return collectJudgements(rows, &v.Assessment) },
		}
		for _, step := range rest {
			rows, err := br.Query()
			if err != nil {
				return err
			}
			if err := step(rows); err != nil {
				return err
			}
		}
		return br.Close()
	}()
	if errors.Is(err, errNoUnit) {
		// No catalogue for the year says more than no unit in it.
		var catalogue bool
		if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM catalogues WHERE year = $1)`, year).Scan(&catalogue); err != nil {
			return WardView{}, fmt.Errorf("ward view %s %d: %w", code, year, err)
		}
		if !catalogue {
			return WardView{}, fmt.Errorf("catalogue %d: %w", year, ErrNotFound)
		}
		return WardView{}, s.notInYear(ctx, year, code)
	}
	if err != nil {
		return WardView{}, fmt.Errorf("ward view %s %d: %w", code, year, err)
	}
	return v, nil
}

// collectEvidence reads the file's evidence into v: the ward's own apart
// from what the inspection team took on its visit.
func collectEvidence(rows pgx.Rows, v *WardView) error {
	all, err := pgx.CollectRows(rows, scanEvidence)
	for _, e := range all {
		if e.Inspection != 0 {
			v.VisitEvidence = append(v.VisitEvidence, e)
		} else {
			v.Evidence = append(v.Evidence, e)
		}
	}
	return err
}
