-- +goose Up

-- A return may name the criteria that need work, each with its reason;
-- while the assessment is returned the ward may change only those (none
-- named: all of it, as before).
CREATE TABLE returned_criteria (
    assessment_id bigint NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    number        integer NOT NULL,
    reason        text NOT NULL CHECK (reason <> ''),
    PRIMARY KEY (assessment_id, number)
);

-- What a return or an approval saw: every result and the evidence kept,
-- by hash, at that moment. The reviewer is shown what changed since the
-- return; the approval records exactly what was approved.
CREATE TABLE review_snapshots (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assessment_id bigint NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    action        text NOT NULL CHECK (action IN ('return', 'approve')),
    taken_at      timestamptz NOT NULL DEFAULT now(),
    results       jsonb NOT NULL,
    evidence      jsonb NOT NULL
);
CREATE INDEX review_snapshots_latest ON review_snapshots (assessment_id, id DESC);

-- +goose Down
DROP TABLE review_snapshots;
DROP TABLE returned_criteria;
