-- +goose Up

-- A mail taken to be sent is leased to the copy that took it until
-- leased_until, apart from when it is due: a person's notices of a few
-- minutes go out in one mail, and a mail leased by one copy is never
-- gathered into another copy's.
ALTER TABLE mail_outbox ADD COLUMN leased_until timestamptz;

-- +goose Down
ALTER TABLE mail_outbox DROP COLUMN leased_until;
