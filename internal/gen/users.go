package gen

// The benchmark's users: an officer for each of many wards, and the staff
// who read dashboards, written beside the country they are measured on.

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"modelward/internal/store"
)

// Officer is a benchmark user, an officer of one ward.
type Officer struct {
	Username string
	Ward     string
}

// BenchUser is a benchmark user of another role: a province's reviewer
// or the Ministry.
type BenchUser struct {
	Username string
	Role     string
	Unit     string
}

// BenchOfficers gives each of up to n wards registered for year and in
// state an officer of its own ("bench-" and the ward's code), with
// passwordHash, and creates staff likewise. The wards are spread over the
// country (taken in the order of a hash of their code, not province by
// province). Every earlier session of a benchmark user is ended, so that
// each run signs in afresh (a user's sessions are listed on /me, the
// benchmark's baseline). It returns the officers, in that order.
func BenchOfficers(ctx context.Context, st *store.Store, year int, state string, n int, passwordHash string, staff []BenchUser) ([]Officer, error) {
	var officers []Officer
	err := st.Transact(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			WITH gone AS (DELETE FROM user_sessions WHERE user_id IN (SELECT id FROM users WHERE username LIKE 'bench-%') RETURNING token)
			DELETE FROM sessions WHERE token IN (SELECT token FROM gone)`); err != nil {
			return fmt.Errorf("end the benchmark's earlier sessions: %w", err)
		}
		rows, err := tx.Query(ctx, `
			INSERT INTO users (username, full_name, role, unit_id, password_hash, must_change_password)
			SELECT 'bench-' || lower(w.code), 'Benchmark ' || w.code, 'ward_officer', w.id, $4, false
			FROM assessments a JOIN units w ON w.id = a.ward_id
			WHERE a.year = $1 AND a.state = $2
			ORDER BY md5(w.code), w.id
			LIMIT $3
			ON CONFLICT (username) DO UPDATE SET unit_id = EXCLUDED.unit_id, password_hash = EXCLUDED.password_hash,
				role = EXCLUDED.role, active = true, must_change_password = false
			RETURNING username, (SELECT code FROM units WHERE id = unit_id)`, year, state, n, passwordHash)
		if err != nil {
			return fmt.Errorf("benchmark officers: %w", err)
		}
		officers, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Officer, error) {
			var o Officer
			return o, row.Scan(&o.Username, &o.Ward)
		})
		if err != nil {
			return fmt.Errorf("benchmark officers: %w", err)
		}
		for _, u := range staff {
			tag, err := tx.Exec(ctx, `
				INSERT INTO users (username, full_name, role, unit_id, password_hash, must_change_password)
				SELECT $1, $1, $2, unit_in_year($3, $4), $5, false
				ON CONFLICT (username) DO UPDATE SET unit_id = EXCLUDED.unit_id, password_hash = EXCLUDED.password_hash,
					role = EXCLUDED.role, active = true, must_change_password = false`,
				u.Username, u.Role, u.Unit, year, passwordHash)
			if err != nil {
				return fmt.Errorf("benchmark user %s: %w", u.Username, err)
			}
			if tag.RowsAffected() != 1 {
				return fmt.Errorf("benchmark user %s: no unit %s in %d", u.Username, u.Unit, year)
			}
		}
		after, _ := json.Marshal(map[string]int{"officers": len(officers), "staff": len(staff)})
		return store.AuditLoad(ctx, tx, "bench", "bench_users", after)
	})
	return officers, err
}
