package store

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ArchivedRow is an audit entry as the archive keeps it: everything,
// with its place and hashes in the chain, so that the archive can be
// checked on its own.
type ArchivedRow struct {
	Seq        int64
	ID         int64
	At         time.Time
	ActorID    *int64
	Actor      string
	Action     string
	Entity     string
	EntityKey  string
	ClientAddr string
	Before     string
	After      string
	PrevHash   []byte
	Hash       []byte
}

// ErrAuditBroken refuses to archive a log whose chain does not verify.
var ErrAuditBroken = errors.New("the audit log's chain is broken")

// ArchiveResult is what an archive took out of the log.
type ArchiveResult struct {
	Rows        int64
	ThroughSeq  int64
	ThroughHash []byte
}

// ArchiveAudit takes the entries written before before out of the log:
// the oldest part of the chain, up to the last entry written before then.
// keep receives them in the chain's order; stored is called after the
// last, must have them kept safely when it returns (the CLI writes and
// syncs a file) and gives the file's SHA-256. Only then are they removed
// — the append-only trigger set aside for that one statement — in one
// transaction that records the archive in the log, with the place and
// hash the remaining chain now starts from. It needs the tables' owner
// (the runtime role may not delete), and refuses a chain that does not
// verify.
func (s *Store) ArchiveAudit(ctx context.Context, actor string, before time.Time, keep func(ArchivedRow) error, stored func() ([]byte, error)) (ArchiveResult, error) {
	var res ArchiveResult
	if _, b, err := s.VerifyAudit(ctx); err != nil || b != nil {
		if err == nil {
			err = fmt.Errorf("%w at place %d", ErrAuditBroken, b.Seq)
		}
		return res, fmt.Errorf("archive audit log: %w", err)
	}
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		// No entry joins the chain meanwhile: new ones wait for the lock
		// the chain's trigger takes.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('modelward audit_log chain', 0))`); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM audit_log WHERE at < $1`, before).Scan(&res.ThroughSeq); err != nil {
			return err
		}
		if res.ThroughSeq == 0 {
			return nil
		}
		rows, err := tx.Query(ctx, `SELECT seq, id, at, actor_id, actor, action, entity, entity_key, client_addr,
			coalesce(before::text, ''), coalesce(after::text, ''), prev_hash, hash
			FROM audit_log WHERE seq <= $1 ORDER BY seq`, res.ThroughSeq)
		if err != nil {
			return err
		}
		var a ArchivedRow
		_, err = pgx.ForEachRow(rows, []any{&a.Seq, &a.ID, &a.At, &a.ActorID, &a.Actor, &a.Action, &a.Entity, &a.EntityKey,
			&a.ClientAddr, &a.Before, &a.After, &a.PrevHash, &a.Hash}, func() error {
			res.Rows++
			res.ThroughHash = a.Hash
			return keep(a)
		})
		if err != nil {
			return err
		}
		sum, err := stored()
		if err != nil {
			return err
		}
		for _, sql := range []string{
			`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`,
			`DELETE FROM audit_log WHERE seq <= ` + fmt.Sprint(res.ThroughSeq),
			`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`,
		} {
			if _, err := tx.Exec(ctx, sql); err != nil {
				return err
			}
		}
		return audit(ctx, tx, auditEntry{Actor: actor, Action: "audit_archive", Entity: "audit_log", EntityKey: before.UTC().Format(time.DateOnly),
			After: fmt.Appendf(nil, `{"rows": %d, "through_seq": %d, "through_hash": %q, "file_sha256": %q}`,
				res.Rows, res.ThroughSeq, hex.EncodeToString(res.ThroughHash), hex.EncodeToString(sum))})
	})
	if err != nil {
		return ArchiveResult{}, fmt.Errorf("archive audit log: %w", err)
	}
	return res, nil
}

// auditAnchor is where the chain starts: after the last archived entry,
// as the latest archive recorded it, or at the beginning.
func (s *Store) auditAnchor(ctx context.Context) (seq int64, hash []byte, err error) {
	var h string
	err = s.pool.QueryRow(ctx, `SELECT (after->>'through_seq')::bigint, after->>'through_hash' FROM audit_log
		WHERE action = 'audit_archive' ORDER BY seq DESC LIMIT 1`).Scan(&seq, &h)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, []byte{}, nil
	}
	if err != nil {
		return 0, nil, err
	}
	hash, err = hex.DecodeString(h)
	return seq, hash, err
}
