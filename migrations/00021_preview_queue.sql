-- +goose Up

-- Evidence files waiting for their pictures. A worker in each copy of the
-- portal takes one at a time (the claim moves next_try_at past a lease, so
-- a copy that dies gives it back), draws it in a child process under hard
-- limits, and keeps the pictures, or tries again later with a longer wait;
-- after a few tries the file is kept as failed (an icon). Pages never draw.
CREATE TABLE preview_queue (
    evidence_id bigint PRIMARY KEY REFERENCES evidence (id) ON DELETE CASCADE,
    tries       integer NOT NULL DEFAULT 0,
    next_try_at timestamptz NOT NULL DEFAULT now(),
    last_error  text NOT NULL DEFAULT ''
);
CREATE INDEX preview_queue_due ON preview_queue (next_try_at);

-- Files kept before, without pictures, and images and PDFs kept as failed
-- (a PDF that timed out under load was failed for ever), are drawn again.
DELETE FROM evidence_previews p USING evidence e
WHERE e.id = p.evidence_id AND p.failed AND e.content_type IN ('image/jpeg', 'image/png', 'application/pdf');
INSERT INTO preview_queue (evidence_id)
SELECT e.id FROM evidence e WHERE NOT EXISTS (SELECT FROM evidence_previews p WHERE p.evidence_id = e.id);

-- +goose Down
DROP TABLE preview_queue;
