-- +goose Up

-- Units form a tree: ministry → province → (district) → ward. After the 2025
-- reform wards sit directly under a province, and units carry the span of
-- dates in which they exist, so that history survives reorganisations.
CREATE TABLE units (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9]{1,16}$'),
    kind        text NOT NULL CHECK (kind IN ('ministry', 'province', 'district', 'ward')),
    name        text NOT NULL CHECK (name <> ''),
    parent_code text REFERENCES units (code),
    valid_from  date,
    valid_to    date,
    CHECK ((kind = 'ministry') = (parent_code IS NULL)),
    CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to)
);
CREATE INDEX units_parent_idx ON units (parent_code);

-- Which new unit took over (part of) which old one.
CREATE TABLE unit_successors (
    old_code text NOT NULL REFERENCES units (code),
    new_code text NOT NULL REFERENCES units (code),
    PRIMARY KEY (old_code, new_code),
    CHECK (old_code <> new_code)
);
CREATE INDEX unit_successors_new_idx ON unit_successors (new_code);

-- One criteria catalogue per year. Year-end criteria may be judged only from
-- year_end_opens on.
CREATE TABLE catalogues (
    year           integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    year_end_opens date NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (extract(year FROM year_end_opens) = year)
);

CREATE TABLE criteria (
    year       integer NOT NULL REFERENCES catalogues (year),
    number     integer NOT NULL CHECK (number BETWEEN 1 AND 999),
    group_code text NOT NULL CHECK (group_code ~ '^[A-Z]{1,3}$'),
    group_vi   text NOT NULL CHECK (group_vi <> ''),
    group_en   text NOT NULL CHECK (group_en <> ''),
    title_vi   text NOT NULL CHECK (title_vi <> ''),
    title_en   text NOT NULL CHECK (title_en <> ''),
    kind       text NOT NULL CHECK (kind IN ('check', 'measure')),
    unit       text NOT NULL DEFAULT '',
    -- What values a measure takes: a share (0–100), a count (whole, not
    -- negative) or a change against the previous year (any decimal).
    scale      text CHECK (scale IN ('share', 'count', 'change')),
    comparator text CHECK (comparator IN ('<', '<=', '>=', '>', '=')),
    threshold  numeric,
    year_end   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (year, number),
    -- A measure is compared with a threshold by the system; a check is judged by people.
    CHECK ((kind = 'measure') = (comparator IS NOT NULL AND threshold IS NOT NULL AND scale IS NOT NULL))
);

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9_.-]{1,63}$'),
    full_name     text NOT NULL DEFAULT '',
    role          text NOT NULL CHECK (role IN ('ward_officer', 'reviewer', 'ministry', 'admin')),
    unit_code     text NOT NULL REFERENCES units (code),
    active        boolean NOT NULL DEFAULT true,
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- One assessment per ward and year.
CREATE TABLE assessments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ward_code     text NOT NULL REFERENCES units (code),
    year          integer NOT NULL REFERENCES catalogues (year),
    state         text NOT NULL DEFAULT 'draft'
                  CHECK (state IN ('draft', 'submitted', 'approved', 'returned', 'recognized')),
    return_reason text NOT NULL DEFAULT '',
    decision_no   text NOT NULL DEFAULT '',
    decision_date date,
    submitted_at  timestamptz,
    reviewed_at   timestamptz,
    recognized_at timestamptz,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (ward_code, year),
    UNIQUE (id, year),
    CHECK (state <> 'returned' OR return_reason <> ''),
    CHECK (state <> 'recognized' OR (decision_no <> '' AND decision_date IS NOT NULL))
);
CREATE INDEX assessments_year_idx ON assessments (year, ward_code);

-- One result per criterion of an assessment. For a measure the status
-- follows from the value; it is computed in Go when the value is saved.
CREATE TABLE results (
    assessment_id bigint NOT NULL,
    year          integer NOT NULL,
    number        integer NOT NULL,
    status        text NOT NULL DEFAULT 'not_started'
                  CHECK (status IN ('not_started', 'in_progress', 'met', 'not_met')),
    value         numeric,
    note          text NOT NULL DEFAULT '' CHECK (length(note) <= 4000),
    version       integer NOT NULL DEFAULT 1,
    updated_by    bigint REFERENCES users (id),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (assessment_id, number),
    FOREIGN KEY (assessment_id, year) REFERENCES assessments (id, year) ON DELETE CASCADE,
    FOREIGN KEY (year, number) REFERENCES criteria (year, number)
);

-- Evidence files live in PostgreSQL so that one backup holds everything.
-- Rows are never overwritten; removal is recorded, not a delete.
CREATE TABLE evidence (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assessment_id bigint NOT NULL,
    year          integer NOT NULL,
    number        integer NOT NULL,
    title         text NOT NULL CHECK (title <> '' AND length(title) <= 300),
    dated         date NOT NULL,
    filename      text NOT NULL DEFAULT '',
    content_type  text NOT NULL CHECK (content_type <> ''),
    size          bigint NOT NULL CHECK (size > 0),
    sha256        bytea NOT NULL CHECK (length(sha256) = 32),
    content       bytea NOT NULL,
    uploaded_by   bigint REFERENCES users (id),
    uploaded_at   timestamptz NOT NULL DEFAULT now(),
    removed_by    bigint REFERENCES users (id),
    removed_at    timestamptz,
    FOREIGN KEY (assessment_id, year) REFERENCES assessments (id, year),
    FOREIGN KEY (year, number) REFERENCES criteria (year, number),
    CHECK (extract(year FROM dated) = year),
    CHECK (length(content) = size),
    CHECK ((removed_at IS NULL) = (removed_by IS NULL))
);
CREATE INDEX evidence_result_idx ON evidence (assessment_id, number);

-- Sessions, in the shape alexedwards/scs's pgxstore expects.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Every change to a result, an assessment's state, a user, a unit or a
-- catalogue writes a row here in the same transaction as the change.
CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor_id   bigint REFERENCES users (id),
    actor      text NOT NULL,
    action     text NOT NULL CHECK (action <> ''),
    entity     text NOT NULL CHECK (entity <> ''),
    entity_key text NOT NULL,
    -- The client's address, for sign-in attempts; empty for other changes.
    client_addr text NOT NULL DEFAULT '',
    before     jsonb,
    after      jsonb
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_key, at);
-- Counting recent failed sign-ins, by username and by client address.
CREATE INDEX audit_log_action_idx ON audit_log (action, at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE evidence;
DROP TABLE results;
DROP TABLE assessments;
DROP TABLE users;
DROP TABLE criteria;
DROP TABLE catalogues;
DROP TABLE unit_successors;
DROP TABLE units;
