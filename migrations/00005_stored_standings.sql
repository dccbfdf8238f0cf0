-- +goose Up

-- Each assessment keeps its standing, counted in Go whenever a result
-- changes (in the same transaction), so that dashboards and exports read
-- one row per ward instead of aggregating every result.
ALTER TABLE assessments
    ADD COLUMN met      integer NOT NULL DEFAULT 0 CHECK (met >= 0),
    ADD COLUMN pending  integer NOT NULL DEFAULT 0 CHECK (pending >= 0),
    ADD COLUMN statuses text[]  NOT NULL DEFAULT '{}';

UPDATE assessments a
SET met = s.met, pending = s.pending, statuses = s.statuses
FROM (
    SELECT a.id,
           count(*) FILTER (WHERE x.shown = 'met') AS met,
           count(*) FILTER (WHERE x.shown = 'pending_year_end') AS pending,
           array_agg(x.shown ORDER BY x.number) AS statuses
    FROM assessments a
    CROSS JOIN LATERAL (
        SELECT c.number,
               CASE WHEN c.year_end AND coalesce(r.status, 'not_started') NOT IN ('met', 'not_met')
                    THEN 'pending_year_end' ELSE coalesce(r.status, 'not_started') END AS shown
        FROM criteria c LEFT JOIN results r ON r.assessment_id = a.id AND r.number = c.number
        WHERE c.year = a.year
    ) x
    GROUP BY a.id
) s
WHERE a.id = s.id;

-- Results are read by year when a catalogue changes.
CREATE INDEX results_year_idx ON results (year, number);

-- +goose Down
DROP INDEX results_year_idx;
ALTER TABLE assessments DROP COLUMN statuses, DROP COLUMN pending, DROP COLUMN met;
