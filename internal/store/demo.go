package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// NewUser is a user to create.
type NewUser struct {
	Username     string
	FullName     string
	Role         string
	UnitCode     string
	PasswordHash string
}

// NewAssessment is an assessment to create with its results.
type NewAssessment struct {
	WardCode     string
	Year         int
	State        assess.State
	DecisionNo   string
	DecisionDate *time.Time
	SubmittedAt  *time.Time
	Results      []Result
}

// Demo is everything `seed --demo` loads.
type Demo struct {
	Units       []Unit
	Successors  [][2]string // old code, new code
	Catalogues  []Catalogue
	Users       []NewUser
	Assessments []NewAssessment
}

// LoadDemo writes the demo data in one transaction. It is idempotent:
// whatever already exists (a unit, a year's catalogue, a user, a ward's
// assessment for a year) is left as it is, so a second run changes nothing
// and never overwrites what people have entered since.
func (s *Store) LoadDemo(ctx context.Context, d Demo) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		added := map[string]int{}
		for _, u := range d.Units {
			var parent *string
			if u.ParentCode != "" {
				parent = &u.ParentCode
			}
			tag, err := tx.Exec(ctx, `
				INSERT INTO units (code, kind, name, parent_code, valid_from, valid_to)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING`,
				u.Code, u.Kind, u.Name, parent, u.ValidFrom, u.ValidTo)
			if err != nil {
				return fmt.Errorf("unit %s: %w", u.Code, err)
			}
			added["units"] += int(tag.RowsAffected())
		}
		for _, p := range d.Successors {
			tag, err := tx.Exec(ctx, `
				INSERT INTO unit_successors (old_code, new_code) VALUES ($1, $2)
				ON CONFLICT DO NOTHING`, p[0], p[1])
			if err != nil {
				return fmt.Errorf("successor %s → %s: %w", p[0], p[1], err)
			}
			added["successors"] += int(tag.RowsAffected())
		}
		for _, c := range d.Catalogues {
			tag, err := tx.Exec(ctx, `
				INSERT INTO catalogues (year, year_end_opens) VALUES ($1, $2)
				ON CONFLICT (year) DO NOTHING`, c.Year, c.YearEndOpens)
			if err != nil {
				return fmt.Errorf("catalogue %d: %w", c.Year, err)
			}
			if tag.RowsAffected() == 0 {
				continue
			}
			added["catalogues"]++
			for _, k := range c.Criteria {
				if _, err := tx.Exec(ctx, insertCriterionSQL, criterionArgs(c.Year, k)...); err != nil {
					return fmt.Errorf("criterion %d of %d: %w", k.Number, c.Year, err)
				}
			}
		}
		for _, u := range d.Users {
			tag, err := tx.Exec(ctx, `
				INSERT INTO users (username, full_name, role, unit_code, password_hash)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING`,
				u.Username, u.FullName, u.Role, u.UnitCode, u.PasswordHash)
			if err != nil {
				return fmt.Errorf("user %s: %w", u.Username, err)
			}
			added["users"] += int(tag.RowsAffected())
		}
		for _, a := range d.Assessments {
			var id int64
			err := tx.QueryRow(ctx, `
				INSERT INTO assessments (ward_code, year, state, decision_no, decision_date, submitted_at)
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (ward_code, year) DO NOTHING RETURNING id`,
				a.WardCode, a.Year, a.State, a.DecisionNo, a.DecisionDate, a.SubmittedAt).Scan(&id)
			if err == pgx.ErrNoRows {
				continue
			}
			if err != nil {
				return fmt.Errorf("assessment %s %d: %w", a.WardCode, a.Year, err)
			}
			added["assessments"]++
			for _, r := range a.Results {
				var value *string
				if r.Value != "" {
					value = &r.Value
				}
				if _, err := tx.Exec(ctx, `
					INSERT INTO results (assessment_id, year, number, status, value, note)
					VALUES ($1, $2, $3, $4, $5::numeric, $6)`,
					id, a.Year, r.Number, r.Status, value, r.Note); err != nil {
					return fmt.Errorf("result %d of %s %d: %w", r.Number, a.WardCode, a.Year, err)
				}
			}
			if err := refreshAssessment(ctx, tx, id, a.Year); err != nil {
				return err
			}
		}
		after, _ := json.Marshal(added)
		return audit(ctx, tx, auditEntry{Actor: "seed", Action: "seed_demo", Entity: "demo", After: after})
	})
}
