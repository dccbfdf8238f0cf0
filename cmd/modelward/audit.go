package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"modelward/internal/store"
	"modelward/internal/words"
)

const auditUsage = `usage:
  modelward audit verify
      recomputes the audit log's hash chain and says where it breaks, if it does
  modelward audit archive --before YYYY-MM-DD --out FILE
      moves the entries written before that day (at least 12 months ago) to a
      new CSV file, with their hashes, then out of the database; run it as the
      tables' owner, after a backup
`

// cmdAudit checks the audit log: every row's hash over its content and
// the hash before it, in the chain's order.
func cmdAudit(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "archive" {
		return cmdAuditArchive(ctx, args[1:], getenv, stdout)
	}
	if len(args) != 1 || args[0] != "verify" {
		return fmt.Errorf("audit: say what to do\n%s", auditUsage)
	}
	st, err := openStore(ctx, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	n, b, err := st.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if b != nil {
		what := "its link to the row before is broken (a row removed or put in between)"
		if b.Content {
			what = "its content was changed after it was written"
		}
		fmt.Fprintf(stdout, "audit log: broken at row %d (place %d in the chain): %s\n", b.ID, b.Seq, what)
		return errors.New("the audit log's chain is broken")
	}
	fmt.Fprintf(stdout, "audit log: %d rows, chain intact\n", n)
	// What each return and approval saw, against the hash its entry keeps.
	ns, sb, err := st.VerifySnapshots(ctx)
	if err != nil {
		return err
	}
	if sb != nil {
		what := "its content differs from the SHA-256 its audit entry keeps"
		if sb.Unaudited {
			what = "no audit entry names it"
		}
		fmt.Fprintf(stdout, "review snapshots: snapshot %d: %s\n", sb.ID, what)
		return errors.New("a review snapshot was changed")
	}
	fmt.Fprintf(stdout, "review snapshots: %d checked against their audit entries\n", ns)
	return nil
}

// auditRetention is how long entries stay in the database at least.
const auditRetention = 12

func cmdAuditArchive(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) (err error) {
	fs := flag.NewFlagSet("audit archive", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	beforeFlag := fs.String("before", "", "archive entries written before this day (YYYY-MM-DD)")
	out := fs.String("out", "", "the new file to write them to")
	if err := fs.Parse(args); err != nil || *beforeFlag == "" || *out == "" {
		return fmt.Errorf("audit archive: give --before and --out\n%s", auditUsage)
	}
	before, err := time.ParseInLocation(time.DateOnly, *beforeFlag, words.HoChiMinh)
	if err != nil {
		return fmt.Errorf("audit archive: --before %q is not a day such as 2025-06-30", *beforeFlag)
	}
	if limit := time.Now().AddDate(0, -auditRetention, 0); before.After(limit) {
		return fmt.Errorf("audit archive: entries stay online %d months at least; give a day on or before %s", auditRetention, limit.Format(time.DateOnly))
	}
	if _, err := databaseURL(getenv); err != nil {
		return err
	}
	// A new file only: an archive never overwrites another.
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("audit archive: %w", err)
	}
	written := false
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = cerr
		}
		if !written {
			_ = os.Remove(*out) // an empty or partial file; the entries stay in the database
		}
	}()
	st, err := openStore(ctx, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	sum := sha256.New()
	w := bufio.NewWriter(io.MultiWriter(f, sum))
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"seq", "id", "at", "actor_id", "actor", "action", "entity", "entity_key", "client_addr", "before", "after", "prev_hash", "hash"}); err != nil {
		return err
	}
	res, err := st.ArchiveAudit(ctx, "cli", before, func(a store.ArchivedRow) error {
		actor := ""
		if a.ActorID != nil {
			actor = strconv.FormatInt(*a.ActorID, 10)
		}
		return cw.Write([]string{strconv.FormatInt(a.Seq, 10), strconv.FormatInt(a.ID, 10), a.At.UTC().Format(time.RFC3339Nano), actor,
			a.Actor, a.Action, a.Entity, a.EntityKey, a.ClientAddr, a.Before, a.After, hex.EncodeToString(a.PrevHash), hex.EncodeToString(a.Hash)})
	}, func() ([]byte, error) {
		cw.Flush()
		if err := cw.Error(); err != nil {
			return nil, err
		}
		if err := w.Flush(); err != nil {
			return nil, err
		}
		// On disk before the entries leave the database.
		return sum.Sum(nil), f.Sync()
	})
	if err != nil {
		return err
	}
	if res.Rows == 0 {
		fmt.Fprintf(stdout, "audit log: no entries before %s; nothing archived\n", *beforeFlag)
		return nil
	}
	written = true
	fmt.Fprintf(stdout, "audit log: %d entries (to place %d in the chain) archived to %s (SHA-256 %x); the chain now starts after %x\n",
		res.Rows, res.ThroughSeq, *out, sum.Sum(nil), res.ThroughHash)
	return nil
}
