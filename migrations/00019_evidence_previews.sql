-- +goose Up

-- The pictures of an evidence file, drawn once (at upload, or at first
-- view for files kept before): a thumbnail and a larger view, and a PDF's
-- page count. failed says no picture can be drawn (an icon is shown).
CREATE TABLE evidence_previews (
    evidence_id bigint PRIMARY KEY REFERENCES evidence (id) ON DELETE CASCADE,
    thumb       bytea,
    thumb_type  text NOT NULL DEFAULT '',
    large       bytea,
    large_type  text NOT NULL DEFAULT '',
    pages       integer NOT NULL DEFAULT 0,
    failed      boolean NOT NULL DEFAULT false,
    made_at     timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE evidence_previews;
