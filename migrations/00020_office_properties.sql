-- +goose Up

-- An office file's own properties, shown beside its icon: its title, and
-- its sheets (a workbook's; a document's pages go in pages).
ALTER TABLE evidence_previews ADD COLUMN doc_title text NOT NULL DEFAULT '', ADD COLUMN sheets integer NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE evidence_previews DROP COLUMN sheets, DROP COLUMN doc_title;
