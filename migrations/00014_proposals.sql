-- +goose Up
-- Deputies' suggestions and members' proposals (建议提案): their own records,
-- timeline and deadlines in calendar months, beside the hotline's items.

-- The admin's settings (deadlines, answer categories) as one JSON document;
-- no row means the defaults of the domain package.
CREATE TABLE proposal_settings (
    id         smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    settings   jsonb NOT NULL,
    updated_by bigint REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE proposals (
    id               bigserial PRIMARY KEY,
    type             text NOT NULL CHECK (type IN ('suggestion', 'proposal')),
    session          text NOT NULL,
    number           text NOT NULL,
    title            text NOT NULL,
    content          text NOT NULL,
    lead_author      text NOT NULL,
    co_authors       text[] NOT NULL DEFAULT '{}',
    raised_during    text CHECK (raised_during IN ('session', 'recess')),
    assigned_on      date NOT NULL,
    our_role         text NOT NULL CHECK (our_role IN ('lead', 'joint', 'separate')),
    lead_unit_code   text NOT NULL REFERENCES units (code),
    co_unit_codes    text[] NOT NULL DEFAULT '{}',
    key              boolean NOT NULL DEFAULT false,
    status           text NOT NULL CHECK (status IN ('handling', 'answered', 'rehandling', 'closed')),
    -- the due date in force; the first one stays in original_due_on
    due_on           date NOT NULL,
    original_due_on  date NOT NULL,
    opinion_due_on   date,
    -- months of the answer period and of the extensions granted so far
    base_months      integer NOT NULL CHECK (base_months >= 0),
    extension_months integer NOT NULL DEFAULT 0 CHECK (extension_months >= 0),
    rehandled        integer NOT NULL DEFAULT 0,
    -- the due date whose reminder / escalation went out (the sweep does each once)
    reminded_for     date,
    escalated_for    date,
    opinions_escalated boolean NOT NULL DEFAULT false,
    published_at     timestamptz,
    published_answer_id bigint,
    published_body   text,
    created_by       bigint REFERENCES users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX proposals_number_key ON proposals (type, session, number);
CREATE INDEX proposals_assigned_idx ON proposals (assigned_on);
CREATE INDEX proposals_open_due_idx ON proposals (due_on) WHERE status IN ('handling', 'rehandling');
CREATE INDEX proposals_lead_unit_idx ON proposals (lead_unit_code);
CREATE INDEX proposals_co_units_idx ON proposals USING gin (co_unit_codes);

CREATE TABLE proposal_events (
    id          bigserial PRIMARY KEY,
    proposal_id bigint NOT NULL REFERENCES proposals (id),
    at          timestamptz NOT NULL,
    actor_id    bigint REFERENCES users (id),
    actor       text NOT NULL,
    unit_code   text,
    action      text NOT NULL,
    from_status text,
    to_status   text,
    note        text NOT NULL DEFAULT ''
);
CREATE INDEX proposal_events_proposal_idx ON proposal_events (proposal_id, id);

CREATE TABLE proposal_contacts (
    id           bigserial PRIMARY KEY,
    proposal_id  bigint NOT NULL REFERENCES proposals (id),
    method       text NOT NULL CHECK (method IN ('meeting', 'phone', 'forum', 'letter')),
    contacted_on date NOT NULL,
    note         text NOT NULL DEFAULT '',
    author_id    bigint NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX proposal_contacts_proposal_idx ON proposal_contacts (proposal_id, id);

-- a joint unit's opinion to the lead unit (会办意见)
CREATE TABLE proposal_opinions (
    id          bigserial PRIMARY KEY,
    proposal_id bigint NOT NULL REFERENCES proposals (id),
    unit_code   text NOT NULL REFERENCES units (code),
    body        text NOT NULL,
    on_time     boolean NOT NULL,
    author_id   bigint NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX proposal_opinions_proposal_idx ON proposal_opinions (proposal_id, id);

-- answers: pending until a manager approves; due_on is the due date in force
-- when the answer was given, against which on_time was judged
CREATE TABLE proposal_answers (
    id            bigserial PRIMARY KEY,
    proposal_id   bigint NOT NULL REFERENCES proposals (id),
    round         integer NOT NULL,
    category      text,
    body          text NOT NULL,
    public        boolean NOT NULL,
    answered_on   date NOT NULL,
    due_on        date NOT NULL,
    on_time       boolean NOT NULL,
    status        text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    author_id     bigint NOT NULL REFERENCES users (id),
    unit_code     text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    decided_by    bigint REFERENCES users (id),
    decided_at    timestamptz,
    decision_note text NOT NULL DEFAULT ''
);
CREATE INDEX proposal_answers_proposal_idx ON proposal_answers (proposal_id, id);
CREATE UNIQUE INDEX proposal_answers_one_pending ON proposal_answers (proposal_id) WHERE status = 'pending';
ALTER TABLE proposals ADD CONSTRAINT proposals_published_answer_fkey
    FOREIGN KEY (published_answer_id) REFERENCES proposal_answers (id);

CREATE TABLE proposal_feedback (
    id           bigserial PRIMARY KEY,
    proposal_id  bigint NOT NULL REFERENCES proposals (id),
    answer_id    bigint NOT NULL REFERENCES proposal_answers (id),
    satisfaction text NOT NULL CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
    comment      text NOT NULL DEFAULT '',
    given_on     date NOT NULL,
    recorded_by  bigint NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX proposal_feedback_proposal_idx ON proposal_feedback (proposal_id, id);

CREATE TABLE proposal_extensions (
    id          bigserial PRIMARY KEY,
    proposal_id bigint NOT NULL REFERENCES proposals (id),
    months      integer NOT NULL CHECK (months > 0),
    reason      text NOT NULL,
    old_due_on  date NOT NULL,
    new_due_on  date NOT NULL,
    granted_by  bigint NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX proposal_extensions_proposal_idx ON proposal_extensions (proposal_id, id);

-- commitments made in an answer, tracked until done
CREATE TABLE proposal_commitments (
    id          bigserial PRIMARY KEY,
    proposal_id bigint NOT NULL REFERENCES proposals (id),
    text        text NOT NULL,
    due_on      date NOT NULL,
    done_on     date,
    done_note   text NOT NULL DEFAULT '',
    escalated   boolean NOT NULL DEFAULT false,
    created_by  bigint NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    done_by     bigint REFERENCES users (id)
);
CREATE INDEX proposal_commitments_proposal_idx ON proposal_commitments (proposal_id, id);
CREATE INDEX proposal_commitments_open_idx ON proposal_commitments (due_on) WHERE done_on IS NULL AND NOT escalated;

-- notices about a proposal name it
ALTER TABLE notifications ADD COLUMN proposal_id bigint REFERENCES proposals (id);

-- +goose Down
ALTER TABLE notifications DROP COLUMN proposal_id;
DROP TABLE proposal_commitments;
DROP TABLE proposal_extensions;
DROP TABLE proposal_feedback;
ALTER TABLE proposals DROP CONSTRAINT proposals_published_answer_fkey;
DROP TABLE proposal_answers;
DROP TABLE proposal_opinions;
DROP TABLE proposal_contacts;
DROP TABLE proposal_events;
DROP TABLE proposals;
DROP TABLE proposal_settings;
