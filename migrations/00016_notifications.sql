-- +goose Up

-- Notices to users about their work: written in the transaction of the
-- change that causes them (a submission, a return, a comment…), or by
-- the deadline sweep, whose key makes sure nobody is told twice. args
-- are the words the message is filled with (a ward's name, a reason),
-- href the page where the user acts.
CREATE TABLE notifications (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind <> ''),
    args       text[] NOT NULL DEFAULT '{}',
    href       text NOT NULL CHECK (href LIKE '/%'),
    key        text,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);
CREATE INDEX notifications_by_user ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, key) WHERE key IS NOT NULL;

-- +goose Down
DROP TABLE notifications;
