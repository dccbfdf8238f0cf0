package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// UnitResults reads the stored results of the wards with codes in year,
// by ward code and criterion.
func (s *Store) UnitResults(ctx context.Context, year int, codes []string) (map[string]map[int]Result, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT w.code, r.number, r.status, coalesce(r.value::text, ''), r.note, r.version
		FROM unnest($2::text[]) AS c (code)
		JOIN units w ON w.id = unit_in_year(c.code, $1)
		JOIN assessments a ON a.ward_id = w.id AND a.year = $1
		JOIN results r ON r.assessment_id = a.id`, year, codes)
	if err != nil {
		return nil, fmt.Errorf("unit results: %w", err)
	}
	out := map[string]map[int]Result{}
	var code string
	var r Result
	_, err = pgx.ForEachRow(rows, []any{&code, &r.Number, &r.Status, &r.Value, &r.Note, &r.Version}, func() error {
		if out[code] == nil {
			out[code] = map[int]Result{}
		}
		out[code][r.Number] = r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("unit results: %w", err)
	}
	return out, nil
}

// ImportError refuses an import: the change at Index could not be made
// (a version moved meanwhile, a closed or accepted criterion…), so none was.
type ImportError struct {
	Index int
	Err   error
}

func (e *ImportError) Error() string { return fmt.Sprintf("import change %d: %v", e.Index, e.Err) }
func (e *ImportError) Unwrap() error { return e.Err }

// ImportResults makes every change, in one transaction: all or nothing.
// Each is a result change as a save makes it, audited with the import's
// file (its SHA-256 and name).
func (s *Store) ImportResults(ctx context.Context, actor assess.Actor, changes []ResultChange, fileSHA256, filename string) error {
	source := map[string]any{"import": map[string]string{"sha256": fileSHA256, "file": filename}}
	return s.Transact(ctx, func(tx pgx.Tx) error {
		years := map[int64]int{}
		// Each ward's assessment is locked and checked (state, deadline)
		// once, at its first change.
		locked := map[string]int64{}
		for i, c := range changes {
			id := locked[c.Ward]
			if id == 0 {
				var err error
				if id, err = lockEditable(ctx, tx, c.Ward, c.Year, true, c.On); err != nil {
					return &ImportError{Index: i, Err: err}
				}
				locked[c.Ward] = id
			}
			if _, _, err := saveResult(ctx, tx, actor, c, source, id); err != nil {
				return &ImportError{Index: i, Err: err}
			}
			years[id] = c.Year
		}
		// Each assessment's standing, counted once, after all its changes.
		for id, year := range years {
			if err := refreshAssessment(ctx, tx, id, year); err != nil {
				return err
			}
		}
		return nil
	})
}
