-- +goose Up

-- Comments on a criterion of an assessment, kept as a thread: reviewers
-- ask, officers answer. Never edited or deleted.
CREATE TABLE comments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assessment_id bigint NOT NULL,
    year          integer NOT NULL,
    number        integer NOT NULL,
    author_id     bigint NOT NULL REFERENCES users (id),
    body          text NOT NULL CHECK (body <> '' AND length(body) <= 4000),
    created_at    timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (assessment_id, year) REFERENCES assessments (id, year),
    FOREIGN KEY (year, number) REFERENCES criteria (year, number)
);
CREATE INDEX comments_result_idx ON comments (assessment_id, number, created_at);

-- +goose Down
DROP TABLE comments;
