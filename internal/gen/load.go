package gen

// Loading a synthetic country (and the benchmark's programme on the real
// tree) into the database, with COPY: the loaders live beside what they
// load, and use the store's building blocks for the portal's own rules
// (catalogues, parent links, stored standings, the audit).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"modelward/internal/assess"
	"modelward/internal/store"
)

// LoadCountry writes a synthetic country with COPY, in one transaction:
// its units under VN, a catalogue for each year that has none (a copy of
// catalogue), every ward registered at the Ministry's level each year, and
// every generated assessment with its results and evidence.
func LoadCountry(ctx context.Context, st *store.Store, c Country, years []int, catalogue []assess.Criterion) error {
	return st.Transact(ctx, func(tx pgx.Tx) error {
		if err := store.EnsureMinistry(ctx, tx); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM units WHERE code = 'P01')`).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return fmt.Errorf("a synthetic country is loaded already: %w", store.ErrExists)
		}
		units := c.Units()
		types := map[string]string{"province": "tinh", "district": "quan", "ward": "phuong"}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"units"}, []string{"code", "kind", "type", "name", "parent_code"},
			pgx.CopyFromSlice(len(units), func(i int) ([]any, error) {
				u := units[i]
				var parent *string
				if u.Kind != "province" {
					parent = &u.Parent
				}
				return []any{u.Code, u.Kind, types[u.Kind], u.Name, parent}, nil
			})); err != nil {
			return fmt.Errorf("copy units: %w", err)
		}
		if err := store.RebuildParents(ctx, tx); err != nil {
			return fmt.Errorf("parent links: %w", err)
		}
		if err := store.EnsureCatalogues(ctx, tx, years, catalogue); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO registrations (year, ward_id, level)
			SELECT y, u.id, 'ministry' FROM units u CROSS JOIN unnest($1::int[]) AS y
			WHERE u.kind = 'ward' AND u.code LIKE 'P%'`, years); err != nil {
			return fmt.Errorf("registrations: %w", err)
		}
		wardIDs, err := wardIDsOf(ctx, tx, `SELECT id, code FROM units WHERE kind = 'ward' AND code LIKE 'P%'`)
		if err != nil {
			return err
		}
		return loadAssessments(ctx, tx, c, years, catalogue, wardIDs)
	})
}

// LoadProgramme registers, at the Ministry's level, every ward of the tree
// in force on 31 December of year and loads generated assessments for them
// (a catalogue for the year is made from catalogue when it has none): the
// benchmark's programme on the real tree. It returns how many wards.
func LoadProgramme(ctx context.Context, st *store.Store, seed uint64, year int, catalogue []assess.Criterion) (int, error) {
	var n int
	err := st.Transact(ctx, func(tx pgx.Tx) error {
		if err := store.EnsureCatalogues(ctx, tx, []int{year}, catalogue); err != nil {
			return err
		}
		var assessed bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM assessments WHERE year = $1)`, year).Scan(&assessed); err != nil {
			return err
		}
		if assessed {
			return fmt.Errorf("%d has assessments already: %w", year, store.ErrExists)
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO registrations (year, ward_id, level)
			SELECT $1, id, 'ministry' FROM units WHERE kind = 'ward' AND span @> make_date($1, 12, 31)
			ON CONFLICT DO NOTHING`, year); err != nil {
			return fmt.Errorf("registrations: %w", err)
		}
		wardIDs, err := wardIDsOf(ctx, tx, `SELECT w.id, w.code FROM registrations r JOIN units w ON w.id = r.ward_id WHERE r.year = $1`, year)
		if err != nil {
			return err
		}
		codes := make([]string, 0, len(wardIDs))
		for code := range wardIDs {
			codes = append(codes, code)
		}
		slices.Sort(codes)
		n = len(codes)
		return loadAssessments(ctx, tx, Country{Seed: seed, WardCodes: codes}, []int{year}, catalogue, wardIDs)
	})
	return n, err
}

// wardIDsOf maps the codes a query lists to the ids it gives with them.
func wardIDsOf(ctx context.Context, tx pgx.Tx, sql string, args ...any) (map[string]int64, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	ids := map[string]int64{}
	var id int64
	var code string
	_, err = pgx.ForEachRow(rows, []any{&id, &code}, func() error {
		ids[code] = id
		return nil
	})
	return ids, err
}

// loadAssessments writes, with COPY, every assessment c generates for the
// wards of wardIDs (code → id) in years, with results and evidence.
func loadAssessments(ctx context.Context, tx pgx.Tx, c Country, years []int, catalogue []assess.Criterion, wardIDs map[string]int64) error {
	// Each year's catalogue as stored (a year may have had one already):
	// the stored standings are counted against it.
	criteria := map[int][]assess.Criterion{}
	for _, year := range years {
		var err error
		if criteria[year], err = store.CriteriaIn(ctx, tx, year); err != nil {
			return err
		}
	}
	// The generator is run twice: first for the assessments, then, with
	// their ids known, for their results and evidence. Foreign keys are
	// checked once for all rows, when they come back, instead of by a
	// lookup for each row (a million results: 22 s against 1 s).
	var assessments, results, evidence int
	err := withoutForeignKeys(ctx, tx, []string{"assessments", "results", "evidence"}, func() error {
		var rows [][]any
		err := c.Assessments(years, catalogue, func(a Assessment) error {
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
			stored := make(map[int]assess.Status, len(a.Results))
			for _, r := range a.Results {
				stored[r.Number] = r.Status
			}
			// No appraisal or inspection is generated: an approved file's
			// appraisal agrees with every claim.
			j := assess.Judgements{Claims: stored, Approved: a.State == assess.Approved || a.State == assess.Recognized}
			standing, statuses := store.StoredStanding(criteria[a.Year], j.At(j.Reached()))
			tiers := assess.ComputeStandings(criteria[a.Year], j)
			var appraised any
			if tiers.Appraised != nil {
				appraised = tiers.Appraised.Met
			}
			rows = append(rows, []any{wardIDs[a.Ward], a.Year, string(a.State), reason, a.DecisionNo, decided, submitted,
				standing.Met, standing.PendingYearEnd, statuses, tiers.Claimed.Met, appraised})
			return nil
		})
		if err != nil {
			return err
		}
		assessments = len(rows)
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"assessments"},
			[]string{"ward_id", "year", "state", "return_reason", "decision_no", "decision_date", "submitted_at", "met", "pending", "statuses", "claimed_met", "appraised_met"},
			pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copy assessments: %w", err)
		}
		ids := map[string]int64{}
		idRows, err := tx.Query(ctx, `SELECT a.id, w.code, a.year FROM assessments a JOIN units w ON w.id = a.ward_id WHERE a.year = ANY($1)`, years)
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
		// Results stream from the generator into COPY as they are made (a
		// million rows would not fit in memory comfortably); evidence rows
		// are few and wait for their own COPY.
		var evidenceRows [][]any
		stream := produceRows(func(emit func([]any) error) error {
			return c.Assessments(years, catalogue, func(a Assessment) error {
				aid := ids[fmt.Sprintf("%s/%d", a.Ward, a.Year)]
				for _, r := range a.Results {
					var value pgtype.Numeric
					if r.Value != "" {
						if err := value.Scan(r.Value); err != nil {
							return err
						}
					}
					if err := emit([]any{aid, a.Year, r.Number, string(r.Status), value, r.Note}); err != nil {
						return err
					}
				}
				for _, e := range a.Evidence {
					evidenceRows = append(evidenceRows, []any{aid, a.Year, e.Number, e.Title, e.Dated, "bien-ban.pdf", assess.TypePDF, int64(len(e.Content)), e.SHA256, e.Content})
				}
				return nil
			})
		})
		n, err := tx.CopyFrom(ctx, pgx.Identifier{"results"}, []string{"assessment_id", "year", "number", "status", "value", "note"}, stream)
		stream.close()
		if err != nil {
			return fmt.Errorf("copy results: %w", err)
		}
		results, evidence = int(n), len(evidenceRows)
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"evidence"},
			[]string{"assessment_id", "year", "number", "title", "dated", "filename", "content_type", "size", "sha256", "content"},
			pgx.CopyFromRows(evidenceRows)); err != nil {
			return fmt.Errorf("copy evidence: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	after, _ := json.Marshal(map[string]any{"wards": c.Wards, "years": years, "seed": c.Seed,
		"assessments": assessments, "results": results, "evidence": evidence})
	if _, err := tx.Exec(ctx, `ANALYZE`); err != nil {
		return err
	}
	return store.AuditLoad(ctx, tx, "gen", "gen_country", after)
}

// withoutForeignKeys runs load with the foreign keys of tables dropped, and
// puts them back as they were: PostgreSQL then checks every row in one
// pass per key instead of one lookup per row. The definitions are read
// from the catalog, so they stay the migrations'. Only for bulk loads in a
// transaction: the tables are locked until it ends, and a failure rolls
// the keys back with everything else.
func withoutForeignKeys(ctx context.Context, tx pgx.Tx, tables []string, load func() error) error {
	type foreignKey struct{ table, name, definition string }
	rows, err := tx.Query(ctx, `
		SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
		FROM pg_constraint
		WHERE contype = 'f' AND conrelid = ANY (SELECT t::regclass FROM unnest($1::text[]) AS t)
		ORDER BY 1, 2`, tables)
	if err != nil {
		return fmt.Errorf("foreign keys: %w", err)
	}
	keys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (foreignKey, error) {
		var k foreignKey
		err := r.Scan(&k.table, &k.name, &k.definition)
		return k, err
	})
	if err != nil {
		return fmt.Errorf("foreign keys: %w", err)
	}
	for _, k := range keys {
		if _, err := tx.Exec(ctx, `ALTER TABLE `+pgx.Identifier{k.table}.Sanitize()+` DROP CONSTRAINT `+pgx.Identifier{k.name}.Sanitize()); err != nil {
			return fmt.Errorf("drop %s: %w", k.name, err)
		}
	}
	if err := load(); err != nil {
		return err
	}
	for _, k := range keys {
		if _, err := tx.Exec(ctx, `ALTER TABLE `+pgx.Identifier{k.table}.Sanitize()+` ADD CONSTRAINT `+pgx.Identifier{k.name}.Sanitize()+` `+k.definition); err != nil {
			return fmt.Errorf("restore %s: %w", k.name, err)
		}
	}
	return nil
}

// producedRows is a COPY source fed by a goroutine, so that rows are made
// while earlier ones are sent and never all held at once.
type producedRows struct {
	rows chan []any
	stop chan struct{}
	done chan error
	row  []any
	err  error
}

var errStopped = errors.New("copy stopped")

// produceRows runs produce in a goroutine; each row it emits is sent to
// COPY. close must be called when the COPY is over.
func produceRows(produce func(emit func(row []any) error) error) *producedRows {
	p := &producedRows{rows: make(chan []any, 1024), stop: make(chan struct{}), done: make(chan error, 1)}
	go func() {
		defer close(p.rows)
		p.done <- produce(func(row []any) error {
			select {
			case p.rows <- row:
				return nil
			case <-p.stop:
				return errStopped
			}
		})
	}()
	return p
}

func (p *producedRows) Next() bool {
	row, ok := <-p.rows
	if !ok {
		p.err = <-p.done
		return false
	}
	p.row = row
	return true
}

func (p *producedRows) Values() ([]any, error) { return p.row, nil }
func (p *producedRows) Err() error             { return p.err }

// close stops the producer if the COPY ended early, and waits for it.
func (p *producedRows) close() {
	close(p.stop)
	for range p.rows {
	}
}
