-- +goose Up

-- An audit entry's time is the database's, stamped as the row is chained:
-- a role other than the tables' owner cannot date an entry (the runtime
-- role once could, and a forged entry dated 01/02/2026 showed in a
-- criterion's history as the officer's own). The owner, who could drop
-- the triggers anyway, may still load entries with their own times.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    last audit_log;
BEGIN
    IF current_user <> (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'audit_log'::regclass) THEN
        NEW.at := now();
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('modelward audit_log chain', 0));
    SELECT * INTO last FROM audit_log ORDER BY seq DESC LIMIT 1;
    NEW.seq := coalesce(last.seq, 0) + 1;
    NEW.prev_hash := coalesce(last.hash, ''::bytea);
    NEW.hash := audit_row_hash(NEW.prev_hash, NEW);
    RETURN NEW;
END
$$;
-- +goose StatementEnd

-- What a return or an approval saw is never rewritten: no role may update
-- a snapshot (the runtime role may not delete one either: see the grants
-- in store.Migrate), and each one's SHA-256 goes into its step's audit
-- entry, which `modelward audit verify` compares.
-- +goose StatementBegin
CREATE FUNCTION review_snapshots_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'review_snapshots is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER review_snapshots_append_only BEFORE UPDATE OR TRUNCATE ON review_snapshots
    FOR EACH STATEMENT EXECUTE FUNCTION review_snapshots_refuse();

-- +goose Down
DROP TRIGGER review_snapshots_append_only ON review_snapshots;
DROP FUNCTION review_snapshots_refuse();
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    last audit_log;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('modelward audit_log chain', 0));
    SELECT * INTO last FROM audit_log ORDER BY seq DESC LIMIT 1;
    NEW.seq := coalesce(last.seq, 0) + 1;
    NEW.prev_hash := coalesce(last.hash, ''::bytea);
    NEW.hash := audit_row_hash(NEW.prev_hash, NEW);
    RETURN NEW;
END
$$;
-- +goose StatementEnd
