package main

import (
	"context"
	"log/slog"
	"time"

	"modelward/internal/assess"
	"modelward/internal/preview"
	"modelward/internal/store"
)

// The sweeps run inside serve, at once and then every interval until ctx
// is done. Every copy of the portal runs them; the store lets one copy at
// a time do the work (an advisory lock), and its keys tell no one twice.

// every runs fn at once and then every interval until ctx is done.
func every(ctx context.Context, interval time.Duration, fn func()) {
	fn()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// sweepAccounts disables the accounts unused for 45 days.
func sweepAccounts(ctx context.Context, st *store.Store, log *slog.Logger, now func() time.Time) func() {
	return func() {
		names, err := st.DisableUnused(ctx, now(), assess.UnusedAccountLimit)
		if err != nil {
			if ctx.Err() == nil {
				log.Error("disable unused accounts", "err", err)
			}
			return
		}
		if len(names) > 0 {
			log.Info("disabled accounts unused for 45 days", "users", names)
		}
	}
}

// sweepDeadlines warns of the deadlines 7 days and 1 day ahead.
func sweepDeadlines(ctx context.Context, st *store.Store, log *slog.Logger, now func() time.Time) func() {
	return func() {
		n, err := st.SweepDeadlines(ctx, now())
		if err != nil {
			if ctx.Err() == nil {
				log.Error("warn of deadlines", "err", err)
			}
			return
		}
		if n > 0 {
			log.Info("warned of deadlines", "wards", n)
		}
	}
}

// drawPreviews draws the evidence files waiting for their pictures.
func drawPreviews(ctx context.Context, w preview.Worker, log *slog.Logger) func() {
	return func() {
		if _, err := w.DrawDue(ctx); err != nil && ctx.Err() == nil {
			log.Error("draw previews", "err", err)
		}
	}
}
