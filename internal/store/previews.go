package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// EvidencePreview is an evidence file's pictures as kept.
type EvidencePreview struct {
	Thumb, Large         []byte
	ThumbType, LargeType string
	Pages                int
	// Failed says no picture could be drawn. An office file's own title
	// and sheets come with its icon.
	Failed   bool
	DocTitle string
	Sheets   int
}

// EvidencePreviewOf reads the pictures of evidence id; ok is false when
// none were drawn yet.
func (s *Store) EvidencePreviewOf(ctx context.Context, id int64) (p EvidencePreview, ok bool, err error) {
	err = s.pool.QueryRow(ctx, `SELECT coalesce(thumb, ''), thumb_type, coalesce(large, ''), large_type, pages, failed, doc_title, sheets
		FROM evidence_previews WHERE evidence_id = $1`, id).Scan(&p.Thumb, &p.ThumbType, &p.Large, &p.LargeType, &p.Pages, &p.Failed, &p.DocTitle, &p.Sheets)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, false, nil
	}
	if err != nil {
		return p, false, fmt.Errorf("preview of evidence %d: %w", id, err)
	}
	return p, true, nil
}

// PreviewJob is an evidence file to draw, claimed by one worker.
type PreviewJob struct {
	EvidenceID  int64
	ContentType string
	Content     []byte
	// Tries counts this one.
	Tries int
}

// ClaimPreview takes the file that has waited longest for its pictures
// and is due at now; ok is false when none is. The claim holds until
// lease: a worker that dies with it leaves it to another after that.
func (s *Store) ClaimPreview(ctx context.Context, now, lease time.Time) (job PreviewJob, ok bool, err error) {
	err = s.pool.QueryRow(ctx, `
		UPDATE preview_queue q SET tries = q.tries + 1, next_try_at = $2
		FROM evidence e
		WHERE q.evidence_id = (SELECT evidence_id FROM preview_queue WHERE next_try_at <= $1
		                       ORDER BY next_try_at, evidence_id LIMIT 1 FOR UPDATE SKIP LOCKED)
		  AND e.id = q.evidence_id
		RETURNING q.evidence_id, e.content_type, e.content, q.tries`, now, lease).Scan(&job.EvidenceID, &job.ContentType, &job.Content, &job.Tries)
	if errors.Is(err, pgx.ErrNoRows) {
		return job, false, nil
	}
	if err != nil {
		return job, false, fmt.Errorf("claim a preview to draw: %w", err)
	}
	return job, true, nil
}

// KeepPreview keeps the pictures of evidence id (or that it has none) and
// takes it off the queue, in one transaction.
func (s *Store) KeepPreview(ctx context.Context, id int64, p EvidencePreview) error {
	return s.Transact(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO evidence_previews (evidence_id, thumb, thumb_type, large, large_type, pages, failed, doc_title, sheets)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (evidence_id) DO NOTHING`,
			id, p.Thumb, p.ThumbType, p.Large, p.LargeType, p.Pages, p.Failed, p.DocTitle, p.Sheets)
		if err != nil {
			return fmt.Errorf("keep preview of evidence %d: %w", id, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM preview_queue WHERE evidence_id = $1`, id); err != nil {
			return fmt.Errorf("take evidence %d off the preview queue: %w", id, err)
		}
		return nil
	})
}

// RetryPreview puts evidence id back on the queue, due at next, with why
// its last try failed.
func (s *Store) RetryPreview(ctx context.Context, id int64, next time.Time, why string) error {
	_, err := s.pool.Exec(ctx, `UPDATE preview_queue SET next_try_at = $2, last_error = left($3, 500) WHERE evidence_id = $1`, id, next, why)
	if err != nil {
		return fmt.Errorf("retry preview of evidence %d: %w", id, err)
	}
	return nil
}
