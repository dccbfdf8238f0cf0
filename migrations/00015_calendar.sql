-- +goose Up

-- Each year's calendar: when registration closes, self-assessments are
-- due, the province's review is due, the Ministry inspects, and the
-- decision is expected. Each date is optional; those given are in order.
-- +goose StatementBegin
CREATE FUNCTION dates_in_order(VARIADIC ds date[]) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(bool_and(a <= b), true)
    FROM (SELECT d AS a, lead(d) OVER (ORDER BY i) AS b
          FROM unnest(ds) WITH ORDINALITY AS x (d, i) WHERE d IS NOT NULL) pairs
    WHERE b IS NOT NULL
$$;
-- +goose StatementEnd
ALTER TABLE catalogues
    ADD COLUMN registration_due date,
    ADD COLUMN self_assessment_due date,
    ADD COLUMN review_due date,
    ADD COLUMN inspection_from date,
    ADD COLUMN inspection_to date,
    ADD COLUMN decision_due date,
    ADD CONSTRAINT catalogues_calendar_in_order
        CHECK (dates_in_order(registration_due, self_assessment_due, review_due, inspection_from, inspection_to, decision_due));

-- After self_assessment_due a ward's draft or returned assessment is
-- closed to it, unless the province extended its deadline. An extension
-- is revoked, never deleted, so the record shows it was granted.
CREATE TABLE extensions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year       integer NOT NULL REFERENCES catalogues (year),
    ward_id    bigint NOT NULL REFERENCES units (id),
    until      date NOT NULL,
    reason     text NOT NULL CHECK (reason <> ''),
    granted_by bigint REFERENCES users (id),
    granted_at timestamptz NOT NULL DEFAULT now(),
    revoked_by bigint REFERENCES users (id),
    revoked_at timestamptz
);
-- One extension in force per ward and year.
CREATE UNIQUE INDEX extensions_in_force ON extensions (year, ward_id) WHERE revoked_at IS NULL;

-- +goose Down
DROP TABLE extensions;
ALTER TABLE catalogues DROP CONSTRAINT catalogues_calendar_in_order,
    DROP COLUMN registration_due, DROP COLUMN self_assessment_due, DROP COLUMN review_due,
    DROP COLUMN inspection_from, DROP COLUMN inspection_to, DROP COLUMN decision_due;
DROP FUNCTION dates_in_order(date[]);
