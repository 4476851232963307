-- +goose Up
-- Replies: co-handling opinions and the primary unit's final reply. A final
-- reply of a unit with reply_approval waits in 'pending' for its head.
CREATE TABLE replies (
    id          bigserial PRIMARY KEY,
    item_id     bigint NOT NULL REFERENCES items (id),
    unit_code   text NOT NULL REFERENCES units (code),
    author_id   bigint NOT NULL REFERENCES users (id),
    body        text NOT NULL,
    final       boolean NOT NULL,
    public      boolean NOT NULL DEFAULT true,
    status      text NOT NULL CHECK (status IN ('pending', 'approved', 'effective', 'superseded')),
    approved_by bigint REFERENCES users (id),
    approved_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX replies_item_idx ON replies (item_id, id);

CREATE TABLE extensions (
    id            bigserial PRIMARY KEY,
    item_id       bigint NOT NULL REFERENCES items (id),
    unit_code     text NOT NULL REFERENCES units (code),
    requested_by  bigint NOT NULL REFERENCES users (id),
    workdays      integer NOT NULL CHECK (workdays BETWEEN 1 AND 60),
    reason        text NOT NULL,
    status        text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by    bigint REFERENCES users (id),
    decided_at    timestamptz,
    decision_note text NOT NULL DEFAULT '',
    old_due_at    timestamptz,
    new_due_at    timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX extensions_item_idx ON extensions (item_id, id);
CREATE UNIQUE INDEX extensions_one_pending ON extensions (item_id) WHERE status = 'pending';

CREATE TABLE notifications (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    item_id    bigint REFERENCES items (id),
    type       text NOT NULL,
    message    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
-- one notice per user, item and deadline event even when a task runs twice
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, item_id, type, message);

-- Messages to citizens. A row is written in the same transaction as what
-- caused it; the worker sends it and re-queues rows whose task was lost.
CREATE TABLE deliveries (
    id            bigserial PRIMARY KEY,
    item_id       bigint NOT NULL REFERENCES items (id),
    reply_id      bigint REFERENCES replies (id),
    channel       text NOT NULL,
    type          text NOT NULL,
    recipient     text NOT NULL DEFAULT '',
    subject       text NOT NULL DEFAULT '',
    body          text NOT NULL,
    extra         jsonb NOT NULL DEFAULT '{}',
    status        text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    adapter       text NOT NULL DEFAULT '',
    attempts      integer NOT NULL DEFAULT 0,
    manual_retries integer NOT NULL DEFAULT 0,
    last_error    text NOT NULL DEFAULT '',
    -- while set and in the future, one task is sending this message
    lease_until   timestamptz,
    -- when the next attempt is due; the worker's reconciler sends what is
    -- overdue, so a lost task only delays a message
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz
);
CREATE INDEX deliveries_item_idx ON deliveries (item_id, id);
CREATE INDEX deliveries_pending_idx ON deliveries (next_attempt_at) WHERE status = 'pending';

CREATE TABLE ratings (
    id           bigserial PRIMARY KEY,
    item_id      bigint NOT NULL REFERENCES items (id),
    source       text NOT NULL CHECK (source IN ('visit', 'link')),
    method       text NOT NULL CHECK (method IN ('call', 'sms', 'link')),
    satisfaction text NOT NULL CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
    stars        integer CHECK (stars BETWEEN 1 AND 5),
    resolved     boolean NOT NULL,
    comment      text NOT NULL DEFAULT '',
    operator_id  bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ratings_item_idx ON ratings (item_id, created_at, id);

CREATE TABLE rating_links (
    token_hash bytea PRIMARY KEY,
    item_id    bigint NOT NULL REFERENCES items (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX rating_links_item_idx ON rating_links (item_id);

-- Reads of personal data that are worth a trace (a full phone number).
CREATE TABLE audit_log (
    id       bigserial PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT now(),
    user_id  bigint REFERENCES users (id),
    username text NOT NULL,
    action   text NOT NULL,
    item_id  bigint REFERENCES items (id),
    detail   text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_item_idx ON audit_log (item_id, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- What the deadline sweep looks for.
CREATE INDEX items_due_open_idx ON items (due_at) WHERE status IN ('dispatched', 'accepted') AND NOT overdue;
CREATE INDEX items_remind_open_idx ON items (remind_at) WHERE status IN ('dispatched', 'accepted') AND reminded_at IS NULL AND NOT overdue;
CREATE INDEX assignments_accept_open_idx ON assignments (accept_due_at) WHERE role = 'primary' AND status = 'assigned' AND NOT accept_late;
CREATE INDEX items_answered_open_idx ON items (replied_at) WHERE status IN ('replied', 'answered');
CREATE INDEX items_visit_due_idx ON items (visit_due_at) WHERE status IN ('replied', 'answered');

-- +goose Down
DROP INDEX items_visit_due_idx;
DROP INDEX items_answered_open_idx;
DROP INDEX assignments_accept_open_idx;
DROP INDEX items_remind_open_idx;
DROP INDEX items_due_open_idx;
DROP TABLE audit_log;
DROP TABLE rating_links;
DROP TABLE ratings;
DROP TABLE deliveries;
DROP TABLE notifications;
DROP TABLE extensions;
DROP TABLE replies;
