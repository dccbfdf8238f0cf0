-- +goose Up

-- A catalogue is locked once any assessment of its year has been submitted;
-- changing it then makes a new revision, audited.
ALTER TABLE catalogues ADD COLUMN revision integer NOT NULL DEFAULT 1 CHECK (revision >= 1);

-- +goose Down
ALTER TABLE catalogues DROP COLUMN revision;
