package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// Decision is a recognition decision: its number and symbol, date,
// signer, level (and province, at city level), the wards it recognises,
// and once issued its signed file's SHA-256.
type Decision struct {
	ID           int64
	Year         int
	Level        string
	ProvinceCode string // city level
	ProvinceName string
	ProvinceType string
	Number       string
	DecidedOn    time.Time
	Signer       string
	SignerTitle  string
	State        string // draft or issued
	OnPaper      bool
	SHA256       []byte
	SignedBy     string // the signing certificate's holder
	PortalSigned bool
	CreatedBy    string
	CreatedAt    time.Time
	IssuedAt     *time.Time
	Wards        []DecisionWard
}

// DecisionWard is a ward a decision recognises.
type DecisionWard struct {
	Code         string
	Name         string
	Province     string
	Met, Total   int
	Token        string // once issued
	RevokedAt    *time.Time
	RevokeReason string
	RevokeNo     string
	RevokeDate   *time.Time
}

// NewDecision is a decision as its drafter sends it, the wards by code.
type NewDecision struct {
	Year        int
	Level       string
	Province    string // a province's code, at city level
	Number      string
	DecidedOn   time.Time
	Signer      string
	SignerTitle string
	Wards       []string
}

// DecisionError says which wards a decision may not recognise, and why:
// Reason is unknown, level, province, state (not approved), bar (not
// recognisable: a criterion short, or the inspection its level needs) or
// taken (in another decision already).
type DecisionError struct {
	Reason string
	Items  []string
}

func (e *DecisionError) Error() string { return fmt.Sprintf("decision: %s %v", e.Reason, e.Items) }

// recognisableSQL is the SQL twin of assess.RecognitionBar for assessment
// a registered as r, with its inspection v (a left join): every criterion
// met at the official tier (the stored standing), and past the inspection
// its level asks for.
const recognisableSQL = `a.met = (SELECT count(*) FROM criteria c WHERE c.year = a.year)
	AND CASE WHEN v.assessment_id IS NULL THEN r.level = 'city' ELSE v.proposal IS NOT DISTINCT FROM 'recognize' END`

// EligibleWards lists the wards a decision of year at level may recognise
// (in the province with id province, at city level): approved,
// recognisable, in no decision yet.
func (s *Store) EligibleWards(ctx context.Context, year int, level string, province int64) ([]Candidate, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT w.code, w.name, p.name
		FROM registrations r
		JOIN units w ON w.id = r.ward_id`+placeWardSQL+`
		JOIN units p ON p.id = `+provinceIDSQL+`
		JOIN assessments a ON a.ward_id = w.id AND a.year = $1
		LEFT JOIN inspection_wards v ON v.assessment_id = a.id
		WHERE r.year = $1 AND r.level = $2 AND a.state = 'approved' AND ($3 = 0 OR p.id = $3)
		  AND `+recognisableSQL+`
		  AND NOT EXISTS (SELECT 1 FROM decision_wards d WHERE d.assessment_id = a.id AND d.revoked_at IS NULL)
		ORDER BY p.code, w.code`, year, level, province)
	if err != nil {
		return nil, fmt.Errorf("eligible wards %d: %w", year, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Candidate, error) {
		var c Candidate
		return c, r.Scan(&c.Code, &c.Name, &c.Note)
	})
	if err != nil {
		return nil, fmt.Errorf("eligible wards %d: %w", year, err)
	}
	return list, nil
}

// CreateDecision records a draft decision over its wards, each checked
// (a *DecisionError names those refused), and its draft PDF, rendered by
// draft from the decision as recorded, in the same transaction. Audited.
func (s *Store) CreateDecision(ctx context.Context, actor assess.Actor, d NewDecision, draft func(Decision) ([]byte, error)) (int64, error) {
	var id int64
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		// One draft of a year at a time: two drafts never both take a ward.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('decision draft ' || $1::int, 0))`, d.Year); err != nil {
			return err
		}
		var province *int64
		if d.Level == LevelCity {
			var p int64
			err := tx.QueryRow(ctx, `SELECT id FROM units WHERE id = unit_in_year($1, $2) AND kind = 'province'`, d.Province, d.Year).Scan(&p)
			if errors.Is(err, pgx.ErrNoRows) {
				return &DecisionError{Reason: "province", Items: []string{d.Province}}
			}
			if err != nil {
				return err
			}
			province = &p
		}
		rows, err := tx.Query(ctx, `
			SELECT asked.code, a.id,
			       CASE WHEN w.id IS NULL OR a.id IS NULL THEN 'unknown'
			            WHEN r.level IS DISTINCT FROM $3 THEN 'level'
			            WHEN $4::bigint IS NOT NULL AND p.id IS DISTINCT FROM $4 THEN 'province'
			            WHEN a.state <> 'approved' THEN 'state'
			            WHEN EXISTS (SELECT 1 FROM decision_wards d WHERE d.assessment_id = a.id AND d.revoked_at IS NULL) THEN 'taken'
			            WHEN NOT (`+recognisableSQL+`) THEN 'bar'
			            ELSE '' END
			FROM unnest($1::text[]) AS asked (code)
			LEFT JOIN units w ON w.id = unit_in_year(asked.code, $2) AND w.kind = 'ward'`+placeWardLeft+`
			LEFT JOIN units p ON p.id = `+provinceIDSQL+`
			LEFT JOIN registrations r ON r.ward_id = w.id AND r.year = $2
			LEFT JOIN assessments a ON a.ward_id = w.id AND a.year = $2
			LEFT JOIN inspection_wards v ON v.assessment_id = a.id`, d.Wards, d.Year, d.Level, province)
		if err != nil {
			return err
		}
		assessments, why, items, err := checked(rows, "unknown", "level", "province", "state", "taken", "bar")
		if err != nil {
			return err
		}
		if why != "" {
			return &DecisionError{Reason: why, Items: items}
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO decisions (year, level, province_id, number, decided_on, signer, signer_title, created_by, draft)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '') RETURNING id`,
			d.Year, d.Level, province, d.Number, d.DecidedOn, d.Signer, d.SignerTitle, actorID(actor)).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO decision_wards (decision_id, assessment_id) SELECT $1, unnest($2::bigint[])`, id, assessments); err != nil {
			return err
		}
		dec, err := decisionIn(ctx, tx, d.Year, id)
		if err != nil {
			return err
		}
		pdf, err := draft(dec)
		if err != nil {
			return fmt.Errorf("decision %d draft: %w", id, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE decisions SET draft = $2 WHERE id = $1`, id, pdf); err != nil {
			return err
		}
		after, _ := json.Marshal(map[string]any{"number": d.Number, "decision_date": d.DecidedOn.Format(time.DateOnly),
			"level": d.Level, "province": d.Province, "wards": d.Wards, "signer": d.Signer})
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr,
			Action: "decision_draft", Entity: "decision", EntityKey: fmt.Sprintf("%d/%d", d.Year, id), After: after})
	})
	return id, err
}

// decisionSQL reads decisions of year $1 (all when $2 is 0, else the one
// with id $2); decisionWardsSQL their wards.
const decisionSQL = `
	SELECT d.id, d.year, d.level, coalesce(p.code, ''), coalesce(p.name, ''), coalesce(p.type, ''), d.number, d.decided_on,
	       d.signer, d.signer_title, d.state, d.on_paper, d.sha256, d.signed_by, d.portal_signed,
	       coalesce(u.full_name, ''), d.created_at, d.issued_at
	FROM decisions d
	LEFT JOIN units p ON p.id = d.province_id
	LEFT JOIN users u ON u.id = d.created_by
	WHERE d.year = $1 AND ($2 = 0 OR d.id = $2)
	ORDER BY d.decided_on, d.id`

var decisionWardsSQL = `
	SELECT x.decision_id, w.code, w.name, p.name, a.met, (SELECT count(*) FROM criteria c WHERE c.year = a.year),
	       coalesce(x.token, ''), x.revoked_at, x.revoke_reason, x.revoke_no, x.revoke_date
	FROM decision_wards x
	JOIN decisions dec ON dec.id = x.decision_id
	JOIN assessments a ON a.id = x.assessment_id
	JOIN units w ON w.id = a.ward_id` + placeWardSQL + `
	JOIN units p ON p.id = ` + provinceIDSQL + `
	WHERE dec.year = $1 AND ($2 = 0 OR dec.id = $2)
	ORDER BY p.code, w.code`

// Decisions lists the decisions of a year with their wards, oldest first.
func (s *Store) Decisions(ctx context.Context, year int) ([]Decision, error) {
	return decisionsIn(ctx, s.pool, year, 0)
}

// Decision returns decision id of year with its wards, or ErrNotFound.
func (s *Store) Decision(ctx context.Context, year int, id int64) (Decision, error) {
	return decisionIn(ctx, s.pool, year, id)
}

func decisionIn(ctx context.Context, q querier, year int, id int64) (Decision, error) {
	list, err := decisionsIn(ctx, q, year, id)
	if err != nil {
		return Decision{}, err
	}
	if len(list) == 0 {
		return Decision{}, fmt.Errorf("decision %d/%d: %w", year, id, ErrNotFound)
	}
	return list[0], nil
}

func decisionsIn(ctx context.Context, q querier, year int, id int64) ([]Decision, error) {
	rows, err := q.Query(ctx, decisionSQL, year, id)
	if err != nil {
		return nil, fmt.Errorf("decisions %d: %w", year, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Decision, error) {
		var d Decision
		err := r.Scan(&d.ID, &d.Year, &d.Level, &d.ProvinceCode, &d.ProvinceName, &d.ProvinceType, &d.Number, &d.DecidedOn,
			&d.Signer, &d.SignerTitle, &d.State, &d.OnPaper, &d.SHA256, &d.SignedBy, &d.PortalSigned, &d.CreatedBy, &d.CreatedAt, &d.IssuedAt)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("decisions %d: %w", year, err)
	}
	at := map[int64]*Decision{}
	for i := range list {
		at[list[i].ID] = &list[i]
	}
	rows, err = q.Query(ctx, decisionWardsSQL, year, id)
	if err != nil {
		return nil, fmt.Errorf("decisions %d: %w", year, err)
	}
	var owner int64
	var w DecisionWard
	if _, err := pgx.ForEachRow(rows, []any{&owner, &w.Code, &w.Name, &w.Province, &w.Met, &w.Total, &w.Token,
		&w.RevokedAt, &w.RevokeReason, &w.RevokeNo, &w.RevokeDate}, func() error {
		if d := at[owner]; d != nil {
			d.Wards = append(d.Wards, w)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("decisions %d: %w", year, err)
	}
	return list, nil
}

// DecisionFile returns a decision's file: the signed one once issued,
// the draft before.
func (s *Store) DecisionFile(ctx context.Context, year int, id int64) ([]byte, error) {
	var draft, signed []byte
	err := s.pool.QueryRow(ctx, `SELECT draft, signed FROM decisions WHERE year = $1 AND id = $2`, year, id).Scan(&draft, &signed)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("decision %d/%d: %w", year, id, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if signed != nil {
		return signed, nil
	}
	return draft, nil
}

// Issue is a decision's signed file and who signed it.
type Issue struct {
	Signed   []byte
	SignedBy string
	// Portal says the portal signed with its key; otherwise the file was
	// signed elsewhere and uploaded.
	Portal bool
	On     time.Time
}

// ErrWardChanged means a ward of the decision may no longer be recognised.
var ErrWardChanged = errors.New("a ward of the decision may no longer be recognised")

// IssueDecision issues a draft decision with its signed file, checked by
// the caller against the draft (check, inside the transaction with the
// draft as stored): every listed ward is recognised, each with its random
// verification token, in one transaction, audited, their officers and
// province told; the decision is then read-only.
func (s *Store) IssueDecision(ctx context.Context, actor assess.Actor, year int, id int64, check func(draft []byte) (Issue, error)) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		var state, number string
		var draft []byte
		var on time.Time
		err := tx.QueryRow(ctx, `SELECT state, number, decided_on, draft FROM decisions WHERE year = $1 AND id = $2 FOR UPDATE`, year, id).
			Scan(&state, &number, &on, &draft)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("decision %d/%d: %w", year, id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if state != "draft" {
			return fmt.Errorf("decision %d/%d is %s: %w", year, id, state, ErrState)
		}
		is, err := check(draft)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT x.assessment_id, w.code FROM decision_wards x JOIN assessments a ON a.id = x.assessment_id
			JOIN units w ON w.id = a.ward_id WHERE x.decision_id = $1 ORDER BY w.code FOR UPDATE OF a`, id)
		if err != nil {
			return err
		}
		type listed struct {
			id   int64
			code string
		}
		var wards []listed
		var l listed
		if _, err := pgx.ForEachRow(rows, []any{&l.id, &l.code}, func() error {
			wards = append(wards, l)
			return nil
		}); err != nil {
			return err
		}
		at := nullTime(is.On)
		for _, w := range wards {
			// Each ward takes the workflow's step, its rule checked again on
			// the file as it stands.
			_, err := changeState(ctx, tx, actor, StateChange{Ward: w.code, Year: year, Action: assess.Recognize,
				DecisionNo: number, DecisionDate: &on, On: is.On, Issued: true})
			if errors.Is(err, ErrState) {
				return fmt.Errorf("%s: %w: %w", w.code, ErrWardChanged, err)
			}
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE decision_wards SET token = $3 WHERE decision_id = $1 AND assessment_id = $2`, id, w.id, newToken()); err != nil {
				return err
			}
		}
		sum := sha256.Sum256(is.Signed)
		if _, err := tx.Exec(ctx, `UPDATE decisions SET state = 'issued', signed = $2, sha256 = $3, signed_by = $4, portal_signed = $5,
			issued_by = $6, issued_at = coalesce($7, now()) WHERE id = $1`, id, is.Signed, sum[:], is.SignedBy, is.Portal, actorID(actor), at); err != nil {
			return err
		}
		after, _ := json.Marshal(map[string]any{"number": number, "sha256": fmt.Sprintf("%x", sum), "signed_by": is.SignedBy, "portal": is.Portal, "wards": len(wards)})
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr,
			Action: "decision_issue", Entity: "decision", EntityKey: fmt.Sprintf("%d/%d", year, id), After: after})
	})
}

// newToken is a verification token: 160 random bits, base32 without
// padding, not guessable from any code.
func newToken() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// Verification is what the public verification page shows of a token.
type Verification struct {
	WardCode     string
	Ward         string
	Province     string
	Year         int
	Level        string
	ProvinceType string
	Number       string
	DecidedOn    time.Time
	OnPaper      bool
	SHA256       []byte
	DecisionID   int64
	RevokedAt    *time.Time
	RevokeReason string
	RevokeNo     string
	RevokeDate   *time.Time
}

// Verify finds the recognition a certificate's token names, or
// ErrNotFound.
func (s *Store) Verify(ctx context.Context, token string) (Verification, error) {
	var v Verification
	err := s.pool.QueryRow(ctx, `
		SELECT w.code, w.name, p.name, p.type, d.year, d.level, d.number, d.decided_on, d.on_paper, d.sha256, d.id,
		       x.revoked_at, x.revoke_reason, x.revoke_no, x.revoke_date
		FROM decision_wards x
		JOIN decisions d ON d.id = x.decision_id
		JOIN assessments a ON a.id = x.assessment_id
		JOIN units w ON w.id = a.ward_id
		JOIN LATERAL (SELECT u.name, u.type FROM units u WHERE u.id = (
		    SELECT CASE WHEN up.kind = 'district' THEN l2.parent_id ELSE up.id END
		    FROM unit_parents l1 JOIN units up ON up.id = l1.parent_id
		    LEFT JOIN unit_parents l2 ON up.kind = 'district' AND l2.child_id = up.id AND l2.span @> unit_day(w.valid_to, d.year)
		    WHERE l1.child_id = w.id AND l1.span @> unit_day(w.valid_to, d.year))) p ON true
		WHERE x.token = $1 AND d.state = 'issued'`, token).Scan(&v.WardCode, &v.Ward, &v.Province, &v.ProvinceType, &v.Year, &v.Level,
		&v.Number, &v.DecidedOn, &v.OnPaper, &v.SHA256, &v.DecisionID, &v.RevokedAt, &v.RevokeReason, &v.RevokeNo, &v.RevokeDate)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, fmt.Errorf("token: %w", ErrNotFound)
	}
	return v, err
}

// CertificateToken is the verification token of the ward's recognition
// in year, "" when it has none.
func (s *Store) CertificateToken(ctx context.Context, year int, ward string) (string, error) {
	var token string
	err := s.pool.QueryRow(ctx, `
		SELECT x.token FROM decision_wards x JOIN decisions d ON d.id = x.decision_id JOIN assessments a ON a.id = x.assessment_id
		WHERE a.ward_id = unit_in_year($1, $2) AND a.year = $2 AND d.state = 'issued' AND x.token IS NOT NULL AND x.revoked_at IS NULL
		ORDER BY d.id DESC LIMIT 1`, ward, year).Scan(&token)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return token, err
}
