package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"modelward/internal/assess"
	"modelward/internal/gen"
)

// LoadCountry writes a synthetic country with COPY, in one transaction:
// its units under VN, a catalogue for each year that has none (a copy of
// catalogue), and every generated assessment with its results and evidence.
func (s *Store) LoadCountry(ctx context.Context, c gen.Country, years []int, catalogue []assess.Criterion) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO units (code, kind, name) VALUES ('VN', 'ministry', 'Bộ Công an') ON CONFLICT DO NOTHING`); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM units WHERE code = 'P01')`).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return fmt.Errorf("a synthetic country is loaded already: %w", ErrExists)
		}
		units := c.Units()
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"units"}, []string{"code", "kind", "name", "parent_code"},
			pgx.CopyFromSlice(len(units), func(i int) ([]any, error) {
				u := units[i]
				return []any{u.Code, u.Kind, u.Name, u.Parent}, nil
			})); err != nil {
			return fmt.Errorf("copy units: %w", err)
		}
		for _, year := range years {
			tag, err := tx.Exec(ctx, `INSERT INTO catalogues (year, year_end_opens) VALUES ($1, make_date($1, 11, 1)) ON CONFLICT DO NOTHING`, year)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				continue
			}
			for _, k := range catalogue {
				var cmp, threshold, scale *string
				if k.Kind == assess.Measure {
					cmp, threshold, scale = (*string)(&k.Comparator), &k.Threshold, (*string)(&k.Scale)
				}
				if _, err := tx.Exec(ctx, `
					INSERT INTO criteria (year, number, group_code, group_vi, group_en, title_vi, title_en, kind, unit, comparator, threshold, scale, year_end)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::numeric, $12, $13)`,
					year, k.Number, k.Group, k.GroupVI, k.GroupEN, k.TitleVI, k.TitleEN, k.Kind, k.Unit, cmp, threshold, scale, k.YearEnd); err != nil {
					return err
				}
			}
		}
		// The generator is run twice: first for the assessments, then, with
		// their ids known, for their results and evidence.
		var rows [][]any
		err := c.Assessments(years, catalogue, func(a gen.Assessment) error {
			var submitted, decided any
			if a.State != assess.Draft {
				submitted = time.Date(a.Year, time.November, 20, 9, 0, 0, 0, time.UTC)
			}
			reason := ""
			if a.State == assess.Returned {
				reason = "Đề nghị bổ sung minh chứng."
			}
			if a.State == assess.Recognized {
				decided = time.Date(a.Year+1, time.April, 22, 0, 0, 0, 0, time.UTC)
			}
			rows = append(rows, []any{a.Ward, a.Year, string(a.State), reason, a.DecisionNo, decided, submitted})
			return nil
		})
		if err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"assessments"},
			[]string{"ward_code", "year", "state", "return_reason", "decision_no", "decision_date", "submitted_at"},
			pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copy assessments: %w", err)
		}
		ids := map[string]int64{}
		idRows, err := tx.Query(ctx, `SELECT id, ward_code, year FROM assessments WHERE ward_code LIKE 'P%'`)
		if err != nil {
			return err
		}
		var id int64
		var ward string
		var year int
		if _, err := pgx.ForEachRow(idRows, []any{&id, &ward, &year}, func() error {
			ids[fmt.Sprintf("%s/%d", ward, year)] = id
			return nil
		}); err != nil {
			return err
		}
		var results, evidence [][]any
		err = c.Assessments(years, catalogue, func(a gen.Assessment) error {
			aid := ids[fmt.Sprintf("%s/%d", a.Ward, a.Year)]
			for _, r := range a.Results {
				var value pgtype.Numeric
				if r.Value != "" {
					if err := value.Scan(r.Value); err != nil {
						return err
					}
				}
				results = append(results, []any{aid, a.Year, r.Number, string(r.Status), value, r.Note})
			}
			for _, e := range a.Evidence {
				evidence = append(evidence, []any{aid, a.Year, e.Number, e.Title, e.Dated, "bien-ban.pdf", assess.TypePDF, int64(len(e.Content)), e.SHA256, e.Content})
			}
			return nil
		})
		if err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"results"}, []string{"assessment_id", "year", "number", "status", "value", "note"},
			pgx.CopyFromRows(results)); err != nil {
			return fmt.Errorf("copy results: %w", err)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"evidence"},
			[]string{"assessment_id", "year", "number", "title", "dated", "filename", "content_type", "size", "sha256", "content"},
			pgx.CopyFromRows(evidence)); err != nil {
			return fmt.Errorf("copy evidence: %w", err)
		}
		for _, year := range years {
			if err := refreshYear(ctx, tx, year); err != nil {
				return err
			}
		}
		after, _ := json.Marshal(map[string]any{"wards": c.Wards, "years": years, "seed": c.Seed,
			"assessments": len(rows), "results": len(results), "evidence": len(evidence)})
		if _, err := tx.Exec(ctx, `ANALYZE`); err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{Actor: "gen", Action: "gen_country", Entity: "demo", After: after})
	})
}
