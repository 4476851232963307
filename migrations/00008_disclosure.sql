-- +goose Up
-- Applications for government information (依申请公开) under the 2019
-- 《政府信息公开条例》, their timeline, consultations, 补正, fee notices,
-- extensions, and the reconsideration and litigation cases; the annual
-- report's hand-entered figures and texts.
CREATE TABLE disclosure_requests (
    id              bigserial PRIMARY KEY,
    code            text NOT NULL UNIQUE,
    secret_hash     bytea NOT NULL,
    status          text NOT NULL CHECK (status IN ('unconfirmed', 'processing', 'awaiting_correction', 'awaiting_fee', 'decided')),
    applicant_type  text NOT NULL CHECK (applicant_type IN ('natural', 'commercial', 'research', 'public_interest', 'legal_service', 'other_org')),
    applicant_name  text NOT NULL,
    id_number       text NOT NULL DEFAULT '',
    org_name        text NOT NULL DEFAULT '',
    phone           text NOT NULL DEFAULT '',
    email           text NOT NULL DEFAULT '',
    address         text NOT NULL DEFAULT '',
    description     text NOT NULL,
    purpose         text NOT NULL DEFAULT '',
    delivery_form   text NOT NULL DEFAULT '' CHECK (delivery_form IN ('', 'paper', 'email', 'online', 'pickup')),
    submitted_via   text NOT NULL CHECK (submitted_via IN ('in_person', 'post', 'online', 'fax', 'email')),
    -- the receipt day of 第三十一条; null until an operator confirms a portal application
    received_on     date,
    -- the day the 20 working days count from: the receipt, or the supplement's arrival
    clock_start_on  date,
    original_due_on date,
    due_on          date,
    due_at          timestamptz,
    remind_at       timestamptz,
    reminded_at     timestamptz,
    overdue         boolean NOT NULL DEFAULT false,
    overdue_at      timestamptz,
    extension_days  integer NOT NULL DEFAULT 0 CHECK (extension_days BETWEEN 0 AND 20),
    outcome         text,
    reply           text NOT NULL DEFAULT '',
    decided_on      date,
    decided_at      timestamptz,
    created_by      bigint REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    idem_scope      text,
    idem_key        text,
    CONSTRAINT disclosure_requests_idem_key UNIQUE (idem_scope, idem_key),
    CONSTRAINT disclosure_requests_decided CHECK ((status = 'decided') = (outcome IS NOT NULL AND decided_on IS NOT NULL)),
    CONSTRAINT disclosure_requests_received CHECK ((status = 'unconfirmed') = (received_on IS NULL)),
    CONSTRAINT disclosure_requests_decided_after CHECK (decided_on IS NULL OR decided_on >= received_on)
);
CREATE INDEX disclosure_requests_list_idx ON disclosure_requests (id DESC);
CREATE INDEX disclosure_requests_received_idx ON disclosure_requests (received_on);
CREATE INDEX disclosure_requests_due_idx ON disclosure_requests (due_at) WHERE status = 'processing' AND NOT overdue;
CREATE INDEX disclosure_requests_remind_idx ON disclosure_requests (remind_at)
    WHERE status = 'processing' AND reminded_at IS NULL AND NOT overdue;

CREATE TABLE disclosure_events (
    id          bigserial PRIMARY KEY,
    request_id  bigint NOT NULL REFERENCES disclosure_requests (id),
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES users (id),
    actor       text NOT NULL,
    action      text NOT NULL,
    from_status text,
    to_status   text,
    note        text NOT NULL DEFAULT ''
);
CREATE INDEX disclosure_events_request_idx ON disclosure_events (request_id, id);

-- third parties (第三十二条) and other agencies (第三十四条)
CREATE TABLE disclosure_consultations (
    id          bigserial PRIMARY KEY,
    request_id  bigint NOT NULL REFERENCES disclosure_requests (id),
    party       text NOT NULL,
    sent_on     date NOT NULL,
    answered_on date CHECK (answered_on >= sent_on),
    consents    boolean,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disclosure_consultations_request_idx ON disclosure_consultations (request_id, id);

-- 补正 (第三十条): once per application
CREATE TABLE disclosure_corrections (
    id          bigserial PRIMARY KEY,
    request_id  bigint NOT NULL REFERENCES disclosure_requests (id),
    asked_on    date NOT NULL,
    what        text NOT NULL,
    reply_by    date NOT NULL CHECK (reply_by >= asked_on),
    received_on date CHECK (received_on >= asked_on),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT disclosure_corrections_once UNIQUE (request_id)
);

-- fee notices (国办函〔2020〕109号)
CREATE TABLE disclosure_fees (
    id          bigserial PRIMARY KEY,
    request_id  bigint NOT NULL REFERENCES disclosure_requests (id),
    notified_on date NOT NULL,
    amount_yuan numeric(12, 2) NOT NULL CHECK (amount_yuan > 0),
    pay_by      date NOT NULL,
    paid_on     date CHECK (paid_on >= notified_on),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disclosure_fees_request_idx ON disclosure_fees (request_id, id);
CREATE UNIQUE INDEX disclosure_fees_one_open ON disclosure_fees (request_id) WHERE paid_on IS NULL;

CREATE TABLE disclosure_extensions (
    id            bigserial PRIMARY KEY,
    request_id    bigint NOT NULL REFERENCES disclosure_requests (id),
    workdays      integer NOT NULL CHECK (workdays BETWEEN 1 AND 20),
    reason        text NOT NULL,
    status        text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_by  bigint NOT NULL REFERENCES users (id),
    decided_by    bigint REFERENCES users (id),
    decided_at    timestamptz,
    decision_note text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disclosure_extensions_request_idx ON disclosure_extensions (request_id, id);
CREATE UNIQUE INDEX disclosure_extensions_one_open ON disclosure_extensions (request_id) WHERE status IN ('pending', 'approved');

-- administrative reconsideration and litigation (table 四)
CREATE TABLE disclosure_cases (
    id         bigserial PRIMARY KEY,
    request_id bigint REFERENCES disclosure_requests (id),
    kind       text NOT NULL CHECK (kind IN ('reconsideration', 'litigation_direct', 'litigation_after_reconsideration')),
    filed_on   date NOT NULL,
    result     text CHECK (result IN ('upheld', 'corrected', 'other')),
    note       text NOT NULL DEFAULT '',
    created_by bigint REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disclosure_cases_filed_idx ON disclosure_cases (filed_on);

-- table 二 (主动公开): figures from other systems, entered by hand
CREATE TABLE disclosure_active_figures (
    year                  integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2200),
    regulations_issued    integer NOT NULL CHECK (regulations_issued >= 0),
    regulations_repealed  integer NOT NULL CHECK (regulations_repealed >= 0),
    regulations_in_force  integer NOT NULL CHECK (regulations_in_force >= 0),
    normative_issued      integer NOT NULL CHECK (normative_issued >= 0),
    normative_repealed    integer NOT NULL CHECK (normative_repealed >= 0),
    normative_in_force    integer NOT NULL CHECK (normative_in_force >= 0),
    licensing_decisions   integer NOT NULL CHECK (licensing_decisions >= 0),
    penalty_decisions     integer NOT NULL CHECK (penalty_decisions >= 0),
    enforcement_decisions integer NOT NULL CHECK (enforcement_decisions >= 0),
    fees_10k_yuan         numeric(14, 4) NOT NULL CHECK (fees_10k_yuan >= 0),
    updated_by            bigint REFERENCES users (id),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

-- sections 五 and 六, written by the office
CREATE TABLE disclosure_report_texts (
    year          integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2200),
    problems_text text NOT NULL DEFAULT '',
    other_text    text NOT NULL DEFAULT '',
    updated_by    bigint REFERENCES users (id),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE disclosure_report_texts;
DROP TABLE disclosure_active_figures;
DROP TABLE disclosure_cases;
DROP TABLE disclosure_extensions;
DROP TABLE disclosure_fees;
DROP TABLE disclosure_corrections;
DROP TABLE disclosure_consultations;
DROP TABLE disclosure_events;
DROP TABLE disclosure_requests;
