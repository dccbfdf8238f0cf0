-- +goose Up

-- Inspection on site (kiểm tra thực tế): a team visits approved wards of
-- one province registered at the inspection's level, records a finding per
-- criterion, and its leader concludes each ward's visit.
CREATE TABLE inspections (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year        integer NOT NULL,
    level       text NOT NULL CHECK (level IN ('ministry', 'city')),
    province_id bigint NOT NULL REFERENCES units (id),
    starts_on   date NOT NULL,
    ends_on     date NOT NULL,
    leader_id   bigint NOT NULL REFERENCES users (id),
    planned_by  bigint REFERENCES users (id),
    planned_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on)
);
CREATE INDEX inspections_year_idx ON inspections (year, province_id);

-- The team: the leader is a member too.
CREATE TABLE inspection_members (
    inspection_id bigint NOT NULL REFERENCES inspections (id) ON DELETE CASCADE,
    user_id       bigint NOT NULL REFERENCES users (id),
    PRIMARY KEY (inspection_id, user_id)
);
CREATE INDEX inspection_members_user_idx ON inspection_members (user_id);

-- The wards visited, one visit per ward's file, and the leader's
-- conclusion: propose recognition or not, with a note.
CREATE TABLE inspection_wards (
    inspection_id bigint NOT NULL REFERENCES inspections (id) ON DELETE CASCADE,
    assessment_id bigint NOT NULL UNIQUE REFERENCES assessments (id) ON DELETE CASCADE,
    version       integer NOT NULL DEFAULT 1,
    proposal      text CHECK (proposal IN ('recognize', 'decline')),
    note          text NOT NULL DEFAULT '' CHECK (length(note) <= 4000),
    concluded_by  bigint REFERENCES users (id),
    concluded_at  timestamptz,
    PRIMARY KEY (inspection_id, assessment_id),
    CHECK ((proposal IS NULL) = (concluded_at IS NULL))
);

-- The team's finding on each criterion: met or not met (a measure's from
-- the value found), with a note where it differs from the appraisal.
CREATE TABLE findings (
    assessment_id bigint NOT NULL REFERENCES inspection_wards (assessment_id) ON DELETE CASCADE,
    number        integer NOT NULL,
    status        text NOT NULL CHECK (status IN ('met', 'not_met')),
    value         numeric,
    note          text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    found_by      bigint REFERENCES users (id),
    found_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (assessment_id, number)
);

-- Photos and papers taken on the visit are evidence of the inspection,
-- not of the ward's claim.
ALTER TABLE evidence ADD COLUMN inspection_id bigint REFERENCES inspections (id);

-- The standing of each tier: met holds the official one (the last tier
-- reached), as pending and statuses do; the appraisal's and the
-- inspection's are NULL until reached.
ALTER TABLE assessments
    ADD COLUMN claimed_met   integer NOT NULL DEFAULT 0 CHECK (claimed_met >= 0),
    ADD COLUMN appraised_met integer CHECK (appraised_met >= 0),
    ADD COLUMN inspected_met integer CHECK (inspected_met >= 0);

UPDATE assessments a
SET claimed_met = s.claimed, appraised_met = s.appraised, met = s.appraised_or_claimed,
    statuses = s.statuses, pending = s.pending
FROM (
    SELECT a.id,
           count(*) FILTER (WHERE x.claim = 'met') AS claimed,
           CASE WHEN t.appraised THEN count(*) FILTER (WHERE x.appraisal = 'met') END AS appraised,
           count(*) FILTER (WHERE CASE WHEN t.appraised THEN x.appraisal ELSE x.claim END = 'met') AS appraised_or_claimed,
           count(*) FILTER (WHERE CASE WHEN t.appraised THEN x.appraisal ELSE x.claim END = 'pending_year_end') AS pending,
           array_agg(CASE WHEN t.appraised THEN x.appraisal ELSE x.claim END ORDER BY c.number) AS statuses
    FROM assessments a
    CROSS JOIN LATERAL (SELECT a.state IN ('approved', 'recognized')
                               OR EXISTS (SELECT 1 FROM appraisals p WHERE p.assessment_id = a.id) AS appraised) t
    JOIN criteria c ON c.year = a.year
    LEFT JOIN results r ON r.assessment_id = a.id AND r.number = c.number
    LEFT JOIN appraisals p ON p.assessment_id = a.id AND p.number = c.number
    CROSS JOIN LATERAL (
        SELECT CASE WHEN c.year_end AND coalesce(r.status, 'not_started') NOT IN ('met', 'not_met')
                    THEN 'pending_year_end' ELSE coalesce(r.status, 'not_started') END AS claim,
               CASE WHEN c.year_end AND coalesce(p.status, r.status, 'not_started') NOT IN ('met', 'not_met')
                    THEN 'pending_year_end' ELSE coalesce(p.status, r.status, 'not_started') END AS appraisal
    ) x
    GROUP BY a.id, t.appraised
) s
WHERE a.id = s.id;

-- The calendar's steps run in two lines from registration to the
-- decision: the files then the review, and the inspection window, which
-- may fall while the files are still open (assess.Calendar.OutOfOrder).
ALTER TABLE catalogues DROP CONSTRAINT catalogues_calendar_in_order,
    ADD CONSTRAINT catalogues_calendar_in_order CHECK (
        dates_in_order(registration_due, self_assessment_due, review_due, decision_due)
        AND dates_in_order(registration_due, inspection_from, inspection_to, decision_due));

-- +goose Down
ALTER TABLE catalogues DROP CONSTRAINT catalogues_calendar_in_order,
    ADD CONSTRAINT catalogues_calendar_in_order
        CHECK (dates_in_order(registration_due, self_assessment_due, review_due, inspection_from, inspection_to, decision_due));
ALTER TABLE assessments DROP COLUMN inspected_met, DROP COLUMN appraised_met, DROP COLUMN claimed_met;
ALTER TABLE evidence DROP COLUMN inspection_id;
DROP TABLE findings;
DROP TABLE inspection_wards;
DROP TABLE inspection_members;
DROP TABLE inspections;
