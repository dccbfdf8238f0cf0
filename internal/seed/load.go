package seed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
	"modelward/internal/export"
	"modelward/internal/signing"
	"modelward/internal/store"
	"modelward/internal/units"
)

// Data is everything `seed --demo` loads.
type Data struct {
	// The official tree, in the import format (data/vn).
	UnitsCSV      []byte
	SuccessorsCSV []byte
	Catalogues    []store.Catalogue
	Users         []store.NewUser
	Quotas        []Quota
	Assessments   []Assessment
	// Appraisals and Inspections are loaded after the assessments they
	// judge.
	Appraisals  []Appraisal
	Inspections []Inspection
	// Decisions are the demo's recognition decisions, drafted and signed
	// as the portal does, by Signer (a demo key made on the spot when nil).
	Decisions []Decision
	Signer    *signing.Signer `json:"-"`
}

// Decision is a recognition decision of the demo: the recognised files of
// Year that name Number are its wards.
type Decision struct {
	Year        int
	Number      string
	Signer      string
	SignerTitle string
}

// Quota is the Ministry's quota of model wards for a province in a year;
// ProvinceCode names the province as the year resolves it.
type Quota struct {
	Year         int
	ProvinceCode string
	Quota        int
}

// Assessment is a registered ward's assessment to create with its
// results. The ward is the one WardCode names in Year.
type Assessment struct {
	WardCode     string
	Year         int
	Level        string
	State        assess.State
	ReturnReason string
	DecisionNo   string
	DecisionDate *time.Time
	SubmittedAt  *time.Time
	ApprovedAt   *time.Time
	Results      []store.Result
}

// Load writes d in one transaction. It is idempotent: the tree is
// imported as any official list is (what is there already is left alone),
// and whatever else exists (a year's catalogue, a user, a quota, a ward's
// registration or assessment for a year) is left as it is, so a second run
// changes nothing and never overwrites what people have entered since.
func Load(ctx context.Context, st *store.Store, d Data) error {
	return st.Transact(ctx, func(tx pgx.Tx) error {
		added := map[string]int{}
		tree, links, err := store.UnitTreeIn(ctx, tx)
		if err != nil {
			return err
		}
		plan, successors := units.PlanImport(tree, links, bytes.NewReader(d.UnitsCSV), bytes.NewReader(d.SuccessorsCSV))
		for _, problems := range [][]units.Problem{plan.Problems, successors.Problems} {
			if len(problems) > 0 {
				return fmt.Errorf("demo tree: %d problems, the first at line %d: %s %s", len(problems),
					problems[0].Line, problems[0].Key, problems[0].Arg)
			}
		}
		counts, err := store.ApplyImportIn(ctx, tx, assess.Actor{Username: "seed"}, plan, successors)
		if err != nil {
			return err
		}
		added["units"], added["successors"] = counts.Added, counts.Linked
		for _, c := range d.Catalogues {
			ok, err := store.AddCatalogue(ctx, tx, c)
			if err != nil {
				return err
			}
			if ok {
				added["catalogues"]++
			}
		}
		for _, u := range d.Users {
			tag, err := tx.Exec(ctx, `
				INSERT INTO users (username, full_name, role, unit_id, password_hash, totp_secret, totp_enrolled_at)
				SELECT $1, $2, $3, id, $5, NULLIF($7, ''), CASE WHEN $7 <> '' THEN $6::date END
				FROM units WHERE code = $4 AND span @> $6::date
				ON CONFLICT (username) DO NOTHING`,
				u.Username, u.FullName, u.Role, u.UnitCode, u.PasswordHash, u.On, u.FactorSecret)
			if err != nil {
				return fmt.Errorf("user %s: %w", u.Username, err)
			}
			added["users"] += int(tag.RowsAffected())
		}
		for _, q := range d.Quotas {
			tag, err := tx.Exec(ctx, `
				INSERT INTO quotas (year, province_id, quota)
				SELECT $1, id, $3 FROM units WHERE id = unit_in_year($2, $1) AND kind = 'province'
				ON CONFLICT DO NOTHING`, q.Year, q.ProvinceCode, q.Quota)
			if err != nil {
				return fmt.Errorf("quota %s %d: %w", q.ProvinceCode, q.Year, err)
			}
			added["quotas"] += int(tag.RowsAffected())
		}
		for _, a := range d.Assessments {
			n, err := loadAssessment(ctx, tx, a)
			if err != nil {
				return err
			}
			added["registrations"] += n.registrations
			added["assessments"] += n.assessments
		}
		for _, p := range d.Appraisals {
			n, err := loadAppraisal(ctx, tx, p)
			if err != nil {
				return err
			}
			added["appraisals"] += n
		}
		for _, in := range d.Inspections {
			n, err := loadInspection(ctx, tx, in)
			if err != nil {
				return err
			}
			added["inspections"] += n
		}
		signer := d.Signer
		for _, dec := range d.Decisions {
			if signer == nil {
				if signer, _, err = signing.NewDemo("Bộ Công an", DemoDay); err != nil {
					return err
				}
			}
			ok, err := store.LoadIssuedDecision(ctx, tx, dec.Year, dec.Number, dec.Signer, dec.SignerTitle,
				func(sd store.Decision) ([]byte, error) {
					var b bytes.Buffer
					err := export.WriteDecision(&b, sd)
					return b.Bytes(), err
				},
				func(draft []byte, on time.Time) ([]byte, string, error) {
					signed, err := signer.Sign(draft, "Quyết định công nhận "+dec.Number, on)
					return signed, signer.Name(), err
				})
			if err != nil {
				return err
			}
			if ok {
				added["decisions"]++
			}
		}
		after, _ := json.Marshal(added)
		return store.AuditLoad(ctx, tx, "seed", "seed_demo", after)
	})
}

type loaded struct{ registrations, assessments int }

// loadAssessment registers a's ward and writes its assessment and results
// unless they exist.
func loadAssessment(ctx context.Context, tx pgx.Tx, a Assessment) (loaded, error) {
	var n loaded
	var ward int64
	err := tx.QueryRow(ctx, `SELECT id FROM units WHERE id = unit_in_year($1, $2) AND kind = 'ward'`, a.WardCode, a.Year).Scan(&ward)
	if err != nil {
		return n, fmt.Errorf("demo ward %s in %d: %w", a.WardCode, a.Year, err)
	}
	// Dated in January of the year: the demo's wards registered in time.
	tag, err := tx.Exec(ctx, `INSERT INTO registrations (year, ward_id, level, registered_at)
		VALUES ($1, $2, $3, make_date($1, 1, 15)) ON CONFLICT DO NOTHING`,
		a.Year, ward, a.Level)
	if err != nil {
		return n, fmt.Errorf("registration %s %d: %w", a.WardCode, a.Year, err)
	}
	n.registrations = int(tag.RowsAffected())
	var id int64
	err = tx.QueryRow(ctx, `
		INSERT INTO assessments (ward_id, year, state, return_reason, decision_no, decision_date, submitted_at, reviewed_at, approved_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
		ON CONFLICT (ward_id, year) DO NOTHING RETURNING id`,
		ward, a.Year, a.State, a.ReturnReason, a.DecisionNo, a.DecisionDate, a.SubmittedAt, a.ApprovedAt).Scan(&id)
	if err == pgx.ErrNoRows {
		return n, nil
	}
	if err != nil {
		return n, fmt.Errorf("assessment %s %d: %w", a.WardCode, a.Year, err)
	}
	n.assessments = 1
	for _, r := range a.Results {
		var value *string
		if r.Value != "" {
			value = &r.Value
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO results (assessment_id, year, number, status, value, note)
			VALUES ($1, $2, $3, $4, $5::numeric, $6)`,
			id, a.Year, r.Number, r.Status, value, r.Note); err != nil {
			return n, fmt.Errorf("result %d of %s %d: %w", r.Number, a.WardCode, a.Year, err)
		}
	}
	return n, store.RefreshAssessment(ctx, tx, id, a.Year)
}
