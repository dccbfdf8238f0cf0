-- +goose Up

-- API tokens expire: 90 days by default, a year at most. Tokens issued
-- before get 90 days from their issue.
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
UPDATE api_tokens SET expires_at = created_at + interval '90 days';
ALTER TABLE api_tokens ALTER COLUMN expires_at SET NOT NULL,
    ADD CONSTRAINT api_tokens_expiry CHECK (expires_at > created_at AND expires_at <= created_at + interval '366 days');

-- +goose Down
ALTER TABLE api_tokens DROP COLUMN expires_at;
