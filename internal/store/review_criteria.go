package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrCriterionAccepted means the assessment was returned for other
// criteria: this one stands as the reviewer accepted it.
var ErrCriterionAccepted = errors.New("the criterion was not returned")

// ErrNoCriterion means a return names a criterion the year does not have.
var ErrNoCriterion = errors.New("no such criterion in the year's catalogue")

// checkReturnedCriterion refuses with ErrCriterionAccepted a change to
// criterion number of a returned assessment that names other criteria.
func checkReturnedCriterion(ctx context.Context, tx pgx.Tx, assessment int64, number int) error {
	var locked bool
	err := tx.QueryRow(ctx, `
		SELECT a.state = 'returned'
		       AND EXISTS (SELECT 1 FROM returned_criteria rc WHERE rc.assessment_id = a.id)
		       AND NOT EXISTS (SELECT 1 FROM returned_criteria rc WHERE rc.assessment_id = a.id AND rc.number = $2)
		FROM assessments a WHERE a.id = $1`, assessment, number).Scan(&locked)
	if err != nil {
		return err
	}
	if locked {
		return fmt.Errorf("criterion %d: %w", number, ErrCriterionAccepted)
	}
	return nil
}

// returnCriteria records the criteria a return names (replacing a former
// return's), each with its reason.
func returnCriteria(ctx context.Context, tx pgx.Tx, assessment int64, year int, criteria map[int]string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM returned_criteria WHERE assessment_id = $1`, assessment); err != nil {
		return err
	}
	for n, reason := range criteria {
		tag, err := tx.Exec(ctx, `INSERT INTO returned_criteria (assessment_id, number, reason)
			SELECT $1, number, $4 FROM criteria WHERE year = $2 AND number = $3`, assessment, year, n, reason)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("criterion %d of %d: %w", n, year, ErrNoCriterion)
		}
	}
	return nil
}

// takeSnapshot keeps what a return or an approval saw: every result and
// every evidence file kept, by hash.
func takeSnapshot(ctx context.Context, tx pgx.Tx, assessment int64, action string, at *time.Time) (SnapshotRef, error) {
	var ref SnapshotRef
	err := tx.QueryRow(ctx, `
		INSERT INTO review_snapshots (assessment_id, action, taken_at, results, evidence)
		SELECT $1, $2, coalesce($3, now()),
		       coalesce((SELECT jsonb_object_agg(r.number::text, jsonb_build_object('status', r.status, 'value', coalesce(r.value::text, ''), 'note', r.note))
		                 FROM results r WHERE r.assessment_id = $1), '{}'),
		       coalesce((SELECT jsonb_agg(jsonb_build_object('id', e.id, 'number', e.number, 'title', e.title, 'sha256', encode(e.sha256, 'hex')) ORDER BY e.id)
		                 FROM evidence e WHERE e.assessment_id = $1 AND e.removed_at IS NULL), '[]')
		RETURNING id, `+snapshotHashSQL, assessment, action, at).Scan(&ref.ID, &ref.SHA256)
	return ref, err
}

// snapshotHashSQL is a snapshot's SHA-256 (hex): of its results and
// evidence as jsonb writes them (keys in one order, one spacing).
const snapshotHashSQL = `encode(sha256(convert_to(results::text || evidence::text, 'UTF8')), 'hex')`

// SnapshotRef is a snapshot as its step's audit entry names it.
type SnapshotRef struct {
	ID     int64  `json:"id"`
	SHA256 string `json:"sha256"`
}

// SnapshotBreak is a snapshot that does not match its audit entry: its
// content changed since (Changed), or no entry names it (Unaudited).
type SnapshotBreak struct {
	ID        int64
	Changed   bool
	Unaudited bool
}

// VerifySnapshots recomputes every snapshot's SHA-256 and compares it with
// the one its step's audit entry keeps; it returns how many it checked
// and the first that does not match. Snapshots taken before their hashes
// were audited (none is named by an entry, and they are older than the
// first that is) are not counted.
func (s *Store) VerifySnapshots(ctx context.Context) (int64, *SnapshotBreak, error) {
	rows, err := s.pool.Query(ctx, `
		WITH audited AS (
		    SELECT (after->'snapshot'->>'id')::bigint AS id, after->'snapshot'->>'sha256' AS sha256
		    FROM audit_log WHERE after ? 'snapshot'
		)
		SELECT s.id, `+snapshotHashSQL+`, a.sha256
		FROM review_snapshots s LEFT JOIN audited a ON a.id = s.id
		WHERE s.id >= (SELECT coalesce(min(id), 0) FROM audited)
		ORDER BY s.id`)
	if err != nil {
		return 0, nil, fmt.Errorf("verify snapshots: %w", err)
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		var id int64
		var now string
		var kept *string
		if err := rows.Scan(&id, &now, &kept); err != nil {
			return n, nil, fmt.Errorf("verify snapshots: %w", err)
		}
		n++
		switch {
		case kept == nil:
			return n, &SnapshotBreak{ID: id, Unaudited: true}, nil
		case *kept != now:
			return n, &SnapshotBreak{ID: id, Changed: true}, nil
		}
	}
	return n, nil, rows.Err()
}

// Snapshot is what a return or an approval saw.
type Snapshot struct {
	Action   string
	TakenAt  time.Time
	Results  map[int]SnapshotResult
	Evidence []SnapshotEvidence
}

// SnapshotResult is a result as the decision saw it.
type SnapshotResult struct {
	Status string `json:"status"`
	Value  string `json:"value"`
	Note   string `json:"note"`
}

// SnapshotEvidence is a file as the decision saw it.
type SnapshotEvidence struct {
	ID     int64  `json:"id"`
	Number int    `json:"number"`
	Title  string `json:"title"`
	SHA256 string `json:"sha256"`
}

// snapshotSQL reads the latest snapshot of ward $1's assessment of year
// $2 in the states that show it (read with the ward view; the criteria
// returned come with its first row).
const snapshotSQL = `
	SELECT s.action, s.taken_at, s.results, s.evidence FROM review_snapshots s
	JOIN assessments a ON a.id = s.assessment_id
	WHERE a.ward_id = unit_in_year($1, $2) AND a.year = $2 AND a.state IN ('submitted', 'approved', 'recognized')
	ORDER BY s.id DESC LIMIT 1`

func scanSnapshot(rows pgx.Rows) (*Snapshot, error) {
	var snap *Snapshot
	var action string
	var at time.Time
	var results, evidence []byte
	_, err := pgx.ForEachRow(rows, []any{&action, &at, &results, &evidence}, func() error {
		s := &Snapshot{Action: action, TakenAt: at}
		var raw map[string]SnapshotResult
		if err := json.Unmarshal(results, &raw); err != nil {
			return err
		}
		s.Results = map[int]SnapshotResult{}
		for k, v := range raw {
			var n int
			if _, err := fmt.Sscan(k, &n); err == nil {
				s.Results[n] = v
			}
		}
		if err := json.Unmarshal(evidence, &s.Evidence); err != nil {
			return err
		}
		snap = s
		return nil
	})
	return snap, err
}

// ReturnedCriteria lists, for the wards with codes in year whose file is
// returned, the criteria the return named (none: the whole file).
func (s *Store) ReturnedCriteria(ctx context.Context, year int, codes []string) (map[string][]int, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT c.code, rc.number
		FROM unnest($2::text[]) AS c (code)
		JOIN assessments a ON a.ward_id = unit_in_year(c.code, $1) AND a.year = $1 AND a.state = 'returned'
		JOIN returned_criteria rc ON rc.assessment_id = a.id
		ORDER BY 1, 2`, year, codes)
	if err != nil {
		return nil, fmt.Errorf("returned criteria: %w", err)
	}
	out := map[string][]int{}
	var code string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&code, &n}, func() error {
		out[code] = append(out[code], n)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("returned criteria: %w", err)
	}
	return out, nil
}
