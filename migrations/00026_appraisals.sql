-- +goose Up

-- The province's appraisal (thẩm định) of each criterion of a submitted
-- file: agreeing with the ward's claim, or its own status and value with a
-- reason. The claim (results) is never overwritten; a new claim for the
-- criterion (after a return) drops its appraisal.
CREATE TABLE appraisals (
    assessment_id bigint NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    number        integer NOT NULL,
    agreed        boolean NOT NULL,
    status        text NOT NULL CHECK (status IN ('not_started', 'in_progress', 'met', 'not_met', 'pending_year_end')),
    value         numeric,
    reason        text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
    appraised_by  bigint REFERENCES users (id),
    appraised_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (assessment_id, number),
    CHECK (agreed OR reason <> '')
);

-- +goose Down
DROP TABLE appraisals;
