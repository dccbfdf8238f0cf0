package main

import (
	"context"
	"log/slog"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
)

// sweepAccounts disables the accounts unused for 45 days, at once and
// then every interval until ctx is done. Every copy of the portal runs
// it; the store lets one at a time do the work.
func sweepAccounts(ctx context.Context, st *store.Store, log *slog.Logger, now func() time.Time, every time.Duration) {
	sweep := func() {
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
	sweep()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			sweep()
		}
	}
}
