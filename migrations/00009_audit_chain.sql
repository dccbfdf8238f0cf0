-- +goose Up

-- The audit log is append-only and chained: each row stores the SHA-256
-- of the previous row's hash and its own content, so that a row changed
-- or removed behind the portal's back (by someone who dropped the
-- triggers) breaks the chain, which `modelward audit verify` finds. seq
-- is the chain's order: rows are linked as they commit, not as their ids
-- were drawn.
ALTER TABLE audit_log ADD COLUMN seq bigint, ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;

-- +goose StatementBegin
CREATE FUNCTION audit_row_hash(prev bytea, r audit_log) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(prev || convert_to(concat_ws(',',
        r.seq, r.id, (extract(epoch FROM r.at) * 1000000)::bigint, quote_nullable(r.actor_id), quote_literal(r.actor),
        quote_literal(r.action), quote_literal(r.entity), quote_literal(r.entity_key), quote_literal(r.client_addr),
        quote_nullable(r.before::text), quote_nullable(r.after::text)), 'UTF8'))
$$;
-- +goose StatementEnd

-- The rows there are, chained in id order.
-- +goose StatementBegin
DO $$
DECLARE
    r audit_log;
    prev bytea := ''::bytea;
    n bigint := 0;
BEGIN
    FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
        n := n + 1;
        r.seq := n;
        r.prev_hash := prev;
        r.hash := audit_row_hash(prev, r);
        UPDATE audit_log SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
        prev := r.hash;
    END LOOP;
END
$$;
-- +goose StatementEnd

ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
CREATE UNIQUE INDEX audit_log_seq_idx ON audit_log (seq);

-- Each new row takes the next place in the chain, under a lock held to
-- the end of its transaction, so that the chain has one order.
-- +goose StatementBegin
CREATE FUNCTION audit_log_chain() RETURNS trigger
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
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();

-- Nothing changes or removes a row: for every role, the owner and
-- superusers included, unless the trigger is dropped on purpose.
-- +goose StatementBegin
CREATE FUNCTION audit_log_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();

-- +goose Down
DROP TRIGGER audit_log_append_only ON audit_log;
DROP TRIGGER audit_log_chain ON audit_log;
DROP FUNCTION audit_log_refuse();
DROP FUNCTION audit_log_chain();
DROP INDEX audit_log_seq_idx;
ALTER TABLE audit_log DROP COLUMN seq, DROP COLUMN prev_hash, DROP COLUMN hash;
DROP FUNCTION audit_row_hash(bytea, audit_log);
