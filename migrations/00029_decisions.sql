-- +goose Up

-- A recognition decision (quyết định công nhận): one decision of a body
-- recognises many wards of a year at one level. Drafted with its PDF,
-- issued once signed (by the portal's key, or elsewhere and uploaded),
-- then read-only; one recorded from paper through the one-ward route is
-- marked so and has no file.
CREATE TABLE decisions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year         integer NOT NULL,
    level        text NOT NULL CHECK (level IN ('ministry', 'city')),
    province_id  bigint REFERENCES units (id),
    number       text NOT NULL CHECK (number <> '' AND length(number) <= 50),
    decided_on   date NOT NULL,
    signer       text NOT NULL DEFAULT '' CHECK (length(signer) <= 200),
    signer_title text NOT NULL DEFAULT '' CHECK (length(signer_title) <= 200),
    state        text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'issued')),
    on_paper     boolean NOT NULL DEFAULT false,
    draft        bytea,
    signed       bytea,
    sha256       bytea CHECK (sha256 IS NULL OR length(sha256) = 32),
    signed_by    text NOT NULL DEFAULT '',
    portal_signed boolean NOT NULL DEFAULT false,
    created_by   bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    issued_by    bigint REFERENCES users (id),
    issued_at    timestamptz,
    CHECK ((level = 'city') = (province_id IS NOT NULL)),
    CHECK (state = 'draft' OR on_paper OR (signed IS NOT NULL AND sha256 IS NOT NULL AND issued_at IS NOT NULL)),
    CHECK (on_paper OR draft IS NOT NULL)
);
CREATE INDEX decisions_year_idx ON decisions (year, level);

-- The wards a decision recognises. Once issued each has a random token
-- (128 bits or more) that its certificate's QR code carries to the public
-- verification page; a recognition may be revoked, with the revoking
-- decision, and history keeps both.
CREATE TABLE decision_wards (
    decision_id   bigint NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
    assessment_id bigint NOT NULL REFERENCES assessments (id),
    token         text UNIQUE CHECK (token IS NULL OR length(token) >= 22),
    revoked_at    timestamptz,
    revoked_by    bigint REFERENCES users (id),
    revoke_reason text NOT NULL DEFAULT '' CHECK (length(revoke_reason) <= 2000),
    revoke_no     text NOT NULL DEFAULT '' CHECK (length(revoke_no) <= 50),
    revoke_date   date,
    PRIMARY KEY (decision_id, assessment_id),
    CHECK ((revoked_at IS NULL) = (revoke_date IS NULL))
);
CREATE INDEX decision_wards_assessment_idx ON decision_wards (assessment_id);

-- +goose Down
DROP TABLE decision_wards;
DROP TABLE decisions;
