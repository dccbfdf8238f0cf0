-- +goose Up

-- Where each tier overturned the one before, per file: the criteria whose
-- appraisal differs from the ward's claim, and those whose finding on site
-- differs from the appraisal's tier (statuses as shown). Dashboards count
-- them per unit and per criterion from the rows they already read.
ALTER TABLE assessments
    ADD COLUMN appraisal_changed  integer[] NOT NULL DEFAULT '{}',
    ADD COLUMN inspection_changed integer[] NOT NULL DEFAULT '{}';

UPDATE assessments a
SET appraisal_changed = s.appraisal, inspection_changed = s.inspection
FROM (
    SELECT a.id,
           coalesce(array_agg(c.number ORDER BY c.number) FILTER (WHERE p.number IS NOT NULL AND x.appraisal <> x.claim), '{}') AS appraisal,
           coalesce(array_agg(c.number ORDER BY c.number) FILTER (WHERE f.number IS NOT NULL AND x.inspection <> x.appraisal), '{}') AS inspection
    FROM assessments a
    JOIN criteria c ON c.year = a.year
    LEFT JOIN results r ON r.assessment_id = a.id AND r.number = c.number
    LEFT JOIN appraisals p ON p.assessment_id = a.id AND p.number = c.number
    LEFT JOIN findings f ON f.assessment_id = a.id AND f.number = c.number
    CROSS JOIN LATERAL (
        SELECT CASE WHEN c.year_end AND coalesce(r.status, 'not_started') NOT IN ('met', 'not_met')
                    THEN 'pending_year_end' ELSE coalesce(r.status, 'not_started') END AS claim,
               CASE WHEN c.year_end AND coalesce(p.status, r.status, 'not_started') NOT IN ('met', 'not_met')
                    THEN 'pending_year_end' ELSE coalesce(p.status, r.status, 'not_started') END AS appraisal,
               CASE WHEN c.year_end AND coalesce(f.status, p.status, r.status, 'not_started') NOT IN ('met', 'not_met')
                    THEN 'pending_year_end' ELSE coalesce(f.status, p.status, r.status, 'not_started') END AS inspection
    ) x
    GROUP BY a.id
) s
WHERE a.id = s.id;

-- +goose Down
ALTER TABLE assessments DROP COLUMN inspection_changed, DROP COLUMN appraisal_changed;
