package preview

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"modelward/internal/store"
)

// Worker draws the pictures of the files on the preview queue, one at a
// time: each copy of the portal runs one, so a copy never has more than
// one drawing child, whatever its users upload at once.
type Worker struct {
	Store *store.Store
	Now   func() time.Time
	Log   *slog.Logger
	// Draw draws one file; nil means in a child process (Draw).
	Draw func(ctx context.Context, contentType string, content []byte) (Drawing, error)
}

// The queue's timing: how long a claim holds (more than a child may run),
// how often a file is tried, and the first wait after a failed try (then
// four times longer each time).
const (
	lease      = 2 * time.Minute
	maxTries   = 4
	firstRetry = time.Minute
)

// DrawDue draws every file due now and says how many it finished (drawn,
// or kept as without pictures).
func (w Worker) DrawDue(ctx context.Context) (int, error) {
	done := 0
	for {
		now := w.Now()
		job, ok, err := w.Store.ClaimPreview(ctx, now, now.Add(lease))
		if err != nil || !ok {
			return done, err
		}
		draw := w.Draw
		if draw == nil {
			draw = Draw
		}
		d, err := draw(ctx, job.ContentType, job.Content)
		if errors.Is(err, ErrChildFailed) && job.Tries < maxTries {
			wait := firstRetry << (2 * (job.Tries - 1))
			w.Log.Warn("preview not drawn; tried again later", "evidence", job.EvidenceID, "try", job.Tries, "in", wait, "err", err)
			if err := w.Store.RetryPreview(ctx, job.EvidenceID, w.Now().Add(wait), err.Error()); err != nil {
				return done, err
			}
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return done, ctx.Err()
			}
			w.Log.Warn("preview not drawn; the file shows an icon", "evidence", job.EvidenceID, "tries", job.Tries, "err", err)
			d = Drawing{Failed: true, Reason: err.Error()}
		}
		kept := store.EvidencePreview{Failed: d.Failed, Pages: d.Pages, DocTitle: d.Office.Title, Sheets: d.Office.Sheets}
		if !d.Failed {
			kept.Thumb, kept.ThumbType, kept.Large, kept.LargeType = d.Thumb.Data, d.Thumb.Type, d.Large.Data, d.Large.Type
		} else if d.Office.Pages > 0 {
			kept.Pages = d.Office.Pages
		}
		if err := w.Store.KeepPreview(ctx, job.EvidenceID, kept); err != nil {
			return done, err
		}
		done++
	}
}
