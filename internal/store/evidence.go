package store

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"modelward/internal/assess"
)

// Evidence is a file supporting one criterion of an assessment.
type Evidence struct {
	ID          int64
	WardID      int64
	Ward        string
	Year        int
	Number      int
	Title       string
	Dated       time.Time
	Filename    string
	ContentType string
	Size        int64
	SHA256      []byte
	UploadedBy  string
	UploadedAt  time.Time
	RemovedBy   string
	RemovedAt   *time.Time
	// Pages is a PDF's or a document's page count, DocTitle and Sheets
	// an office file's own title and sheets, once its preview is drawn.
	Pages    int
	DocTitle string
	Sheets   int
	// Inspection is the inspection whose team took the file on its visit,
	// 0 for the ward's own evidence.
	Inspection int64
}

// NewEvidence is a file to add.
type NewEvidence struct {
	Year        int
	Ward        string
	Number      int
	Title       string
	Dated       time.Time
	Filename    string
	ContentType string
	Content     []byte
	SHA256      []byte
	// On is when the file is added, held to the year's deadline (zero: not).
	On time.Time
	// Inspection is set for a photo or paper the inspection team took on
	// its visit.
	Inspection int64
}

func evidenceRecord(e Evidence) []byte {
	b, _ := json.Marshal(map[string]any{"id": e.ID, "title": e.Title, "dated": e.Dated.Format(time.DateOnly),
		"type": e.ContentType, "size": e.Size, "sha256": hex.EncodeToString(e.SHA256)})
	return b
}

// ErrQuota means a ward's stored evidence would exceed its quota.
var ErrQuota = errors.New("evidence quota reached")

// AddEvidence stores a file for a criterion, creating the assessment when
// it is the ward's first record of the year. Refused with ErrState once the
// assessment is submitted.
func (s *Store) AddEvidence(ctx context.Context, actor assess.Actor, e NewEvidence) (int64, error) {
	var id int64
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		aid, err := lockEditable(ctx, tx, e.Ward, e.Year, true, e.On)
		if err != nil {
			return fmt.Errorf("add evidence: %w", err)
		}
		id, err = s.addEvidence(ctx, tx, actor, aid, e)
		return err
	})
	return id, err
}

// SaveResultWithEvidence saves a criterion's result and adds a file to it
// in one transaction, as the criterion's form sends them: both or neither.
func (s *Store) SaveResultWithEvidence(ctx context.Context, actor assess.Actor, c ResultChange, e NewEvidence) (Result, error) {
	var saved Result
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		aid, err := lockEditable(ctx, tx, c.Ward, c.Year, true, c.On)
		if err != nil {
			return fmt.Errorf("save result %d: %w", c.Number, err)
		}
		if saved, _, err = saveResult(ctx, tx, actor, c, nil, aid); err != nil {
			return err
		}
		if _, err := s.addEvidence(ctx, tx, actor, aid, e); err != nil {
			return err
		}
		return refreshAssessment(ctx, tx, aid, c.Year)
	})
	return saved, err
}

// addEvidence stores e in tx for assessment aid, locked by the caller,
// under the ward's quota.
func (s *Store) addEvidence(ctx context.Context, tx pgx.Tx, actor assess.Actor, aid int64, e NewEvidence) (int64, error) {
	if e.Inspection == 0 {
		if err := checkReturnedCriterion(ctx, tx, aid, e.Number); err != nil {
			return 0, err
		}
	}
	// The ward's files over every year, removed ones included (they stay
	// stored), under its quota. The assessment's lock the caller holds
	// keeps two uploads of one year from both passing; a lock on the ward
	// keeps uploads of different years apart.
	if s.EvidenceQuota > 0 {
		var used int64
		err := tx.QueryRow(ctx, `
			SELECT pg_advisory_xact_lock(hashtextextended('evidence quota ' || a.ward_id::text, 0))::text IS NOT NULL,
			       (SELECT coalesce(sum(e.size), 0) FROM evidence e JOIN assessments b ON b.id = e.assessment_id WHERE b.ward_id = a.ward_id)
			FROM assessments a WHERE a.id = $1`, aid).Scan(new(bool), &used)
		if err != nil {
			return 0, fmt.Errorf("evidence quota of %s: %w", e.Ward, err)
		}
		if used+int64(len(e.Content)) > s.EvidenceQuota {
			return 0, fmt.Errorf("%s holds %d bytes: %w", e.Ward, used, ErrQuota)
		}
	}
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO evidence (assessment_id, year, number, title, dated, filename, content_type, size, sha256, content, uploaded_by, inspection_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULLIF($12, 0)) RETURNING id`,
		aid, e.Year, e.Number, e.Title, e.Dated, e.Filename, e.ContentType, len(e.Content), e.SHA256, e.Content, actorID(actor), e.Inspection).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add evidence to %s %d: %w", e.Ward, e.Year, err)
	}
	// Its pictures are drawn later, outside any request (preview.Worker).
	if _, err := tx.Exec(ctx, `INSERT INTO preview_queue (evidence_id, next_try_at) VALUES ($1, coalesce($2, now()))`, id, nullTime(e.On)); err != nil {
		return 0, fmt.Errorf("queue the preview of evidence %d: %w", id, err)
	}
	rec := Evidence{ID: id, Title: e.Title, Dated: e.Dated, ContentType: e.ContentType, Size: int64(len(e.Content)), SHA256: e.SHA256}
	action := "evidence_add"
	if e.Inspection != 0 {
		action = "inspection_photo_add"
	}
	return id, audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: action,
		Entity: "evidence", EntityKey: resultKey(e.Ward, e.Year, e.Number), After: evidenceRecord(rec)})
}

const evidenceColumns = `e.id, w.id, w.code, e.year, e.number, e.title, e.dated, e.filename, e.content_type, e.size, e.sha256,
	coalesce(up.full_name, ''), e.uploaded_at, coalesce(rm.full_name, ''), e.removed_at,
	coalesce(pv.pages, 0), coalesce(pv.doc_title, ''), coalesce(pv.sheets, 0), coalesce(e.inspection_id, 0)`

const evidenceFrom = `FROM evidence e
	JOIN assessments a ON a.id = e.assessment_id
	JOIN units w ON w.id = a.ward_id
	LEFT JOIN users up ON up.id = e.uploaded_by
	LEFT JOIN users rm ON rm.id = e.removed_by
	LEFT JOIN evidence_previews pv ON pv.evidence_id = e.id`

// evidenceOfSQL lists the evidence of ward $1's assessment of year $2,
// removed files included, by criterion and upload time (read with the ward
// view). The ward is found once (a subquery), not once per join.
const evidenceOfSQL = `SELECT ` + evidenceColumns + ` ` + evidenceFrom + `
	WHERE a.ward_id = (SELECT unit_in_year($1, $2)) AND a.year = $2 ORDER BY e.number, e.uploaded_at, e.id`

func scanEvidence(r pgx.CollectableRow) (Evidence, error) {
	var e Evidence
	err := r.Scan(&e.ID, &e.WardID, &e.Ward, &e.Year, &e.Number, &e.Title, &e.Dated, &e.Filename, &e.ContentType, &e.Size, &e.SHA256,
		&e.UploadedBy, &e.UploadedAt, &e.RemovedBy, &e.RemovedAt, &e.Pages, &e.DocTitle, &e.Sheets, &e.Inspection)
	return e, err
}

// EvidenceByID returns one evidence record without its content.
func (s *Store) EvidenceByID(ctx context.Context, id int64) (Evidence, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+evidenceColumns+` `+evidenceFrom+` WHERE e.id = $1`, id)
	e, err := pgx.CollectExactlyOneRow(rows, scanEvidence)
	if errors.Is(err, pgx.ErrNoRows) {
		return Evidence{}, fmt.Errorf("evidence %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Evidence{}, fmt.Errorf("evidence %d: %w", id, err)
	}
	return e, nil
}

// EvidenceContent returns the bytes of an evidence file.
func (s *Store) EvidenceContent(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	err := s.pool.QueryRow(ctx, `SELECT content FROM evidence WHERE id = $1`, id).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("evidence %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("evidence %d: %w", id, err)
	}
	return b, nil
}

// RemoveEvidence marks an evidence file removed; the file and its record
// stay, for the history. Refused with ErrState once the assessment is
// submitted, and with ErrClosed once its deadline has passed at now.
// The inspection team's photos are not the ward's to remove: to the ward
// they do not exist (ErrNotFound).
func (s *Store) RemoveEvidence(ctx context.Context, actor assess.Actor, ward string, year int, id int64, now time.Time) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		aid, err := lockEditable(ctx, tx, ward, year, false, now)
		if err != nil {
			return fmt.Errorf("remove evidence %d: %w", id, err)
		}
		rows, _ := tx.Query(ctx, `SELECT `+evidenceColumns+` `+evidenceFrom+`
			WHERE e.id = $1 AND e.assessment_id = $2 AND e.removed_at IS NULL AND e.inspection_id IS NULL FOR UPDATE OF e`, id, aid)
		e, err := pgx.CollectExactlyOneRow(rows, scanEvidence)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("evidence %d of %s %d: %w", id, ward, year, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := checkReturnedCriterion(ctx, tx, aid, e.Number); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE evidence SET removed_at = now(), removed_by = $2 WHERE id = $1`, id, actorID(actor)); err != nil {
			return err
		}
		return audit(ctx, tx, auditEntry{ActorID: actorID(actor), Actor: actorName(actor), ClientAddr: actor.Addr, Action: "evidence_remove",
			Entity: "evidence", EntityKey: resultKey(ward, year, e.Number), Before: evidenceRecord(e)})
	})
}
