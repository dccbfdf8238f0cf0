package store

import (
	"context"
	"errors"
	"fmt"

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

// SaveEvidencePreview keeps the pictures of evidence id (the first kept
// wins: two views at once draw the same pictures).
func (s *Store) SaveEvidencePreview(ctx context.Context, id int64, p EvidencePreview) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO evidence_previews (evidence_id, thumb, thumb_type, large, large_type, pages, failed, doc_title, sheets)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (evidence_id) DO NOTHING`,
		id, p.Thumb, p.ThumbType, p.Large, p.LargeType, p.Pages, p.Failed, p.DocTitle, p.Sheets)
	if err != nil {
		return fmt.Errorf("keep preview of evidence %d: %w", id, err)
	}
	return nil
}
