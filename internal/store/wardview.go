package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// WardView is everything the ward page shows.
type WardView struct {
	Catalogue    Catalogue
	Path         []Unit // the ward and its ancestors, root first
	Years        []int
	Assessment   Assessment
	Evidence     []Evidence
	Comments     []Comment
	Predecessors []Lineage
	Successors   []Lineage
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

// WardView reads the ward page's data in one round trip to the database:
// its queries go as one pipelined batch. The unit may turn out not to
// be a ward; the caller checks Path.
func (s *Store) WardView(ctx context.Context, year int, code string) (WardView, error) {
	v := WardView{Catalogue: Catalogue{Year: year}, Assessment: Assessment{WardCode: code, Year: year, Results: map[int]Result{}}}
	err := func() error {
		b := &pgx.Batch{}
		// The year-end date and the list of years come in one row.
		b.Queue(`SELECT year_end_opens, ARRAY(`+yearsSQL+`), `+calendarColumns+` FROM catalogues WHERE year = $1`, year)
		b.Queue(criteriaSQL, year)
		b.Queue(unitPathSQL, code, year)
		b.Queue(assessmentSQL, code, year)
		b.Queue(resultsSQL, code, year)
		b.Queue(evidenceOfSQL, code, year)
		b.Queue(commentsSQL, code, year)
		b.Queue(lineageSQL, code, year)
		b.Queue(`SELECT year, level FROM registrations WHERE ward_id = unit_in_year($1, $2) ORDER BY year`, code, year)
		b.Queue(`SELECT e.until, e.reason, coalesce(u.full_name, ''), e.granted_at FROM extensions e LEFT JOIN users u ON u.id = e.granted_by
			WHERE e.year = $2 AND e.ward_id = unit_in_year($1, $2) AND e.revoked_at IS NULL`, code, year)
		b.Queue(returnedSQL, code, year)
		b.Queue(snapshotSQL, code, year)
		br := s.pool.SendBatch(ctx, b)
		defer br.Close()

		err := br.QueryRow().Scan(append([]any{&v.Catalogue.YearEndOpens, &v.Years}, calendarDest(&v.Calendar)...)...)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("catalogue %d: %w", year, ErrNotFound)
		}
		if err != nil {
			return err
		}
		steps := []func(pgx.Rows) error{
			func(rows pgx.Rows) (err error) {
				v.Catalogue.Criteria, err = pgx.CollectRows(rows, scanCriterion)
				return
			},
			func(rows pgx.Rows) (err error) { v.Path, err = pgx.CollectRows(rows, scanUnit); return },
		}
		for _, step := range steps {
			rows, err := br.Query()
			if err != nil {
				return err
			}
			if err := step(rows); err != nil {
				return err
			}
		}
		if len(v.Path) == 0 {
			return errNoUnit
		}
		if err := scanAssessment(br.QueryRow(), &v.Assessment); err != nil {
			return err
		}
		rest := []func(pgx.Rows) error{
			func(rows pgx.Rows) error { return collectResults(rows, &v.Assessment) },
			func(rows pgx.Rows) (err error) { v.Evidence, err = pgx.CollectRows(rows, scanEvidence); return },
			func(rows pgx.Rows) (err error) { v.Comments, err = pgx.CollectRows(rows, scanComment); return },
			func(rows pgx.Rows) (err error) { v.Predecessors, v.Successors, err = collectLineage(rows); return },
			func(rows pgx.Rows) error {
				var y int
				var level string
				_, err := pgx.ForEachRow(rows, []any{&y, &level}, func() error {
					v.Registered = append(v.Registered, y)
					if y == year {
						v.Level = level
					}
					return nil
				})
				return err
			},
			func(rows pgx.Rows) error {
				var e Extension
				_, err := pgx.ForEachRow(rows, []any{&e.Until, &e.Reason, &e.GrantedBy, &e.GrantedAt}, func() error {
					v.Extension = &e
					return nil
				})
				return err
			},
			func(rows pgx.Rows) error {
				var n int
				var reason string
				_, err := pgx.ForEachRow(rows, []any{&n, &reason}, func() error {
					if v.Returned == nil {
						v.Returned = map[int]string{}
					}
					v.Returned[n] = reason
					return nil
				})
				return err
			},
			func(rows pgx.Rows) (err error) { v.Snapshot, err = scanSnapshot(rows); return },
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
		return WardView{}, s.notInYear(ctx, year, code)
	}
	if err != nil {
		return WardView{}, fmt.Errorf("ward view %s %d: %w", code, year, err)
	}
	return v, nil
}
