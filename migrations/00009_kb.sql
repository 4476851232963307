-- +goose Up
-- The knowledge base (知识库, 一号答): articles operators answer calls from.
CREATE TABLE kb_articles (
    id              bigserial PRIMARY KEY,
    title           text NOT NULL,
    question        text NOT NULL,
    answer          text NOT NULL,
    category_code   text REFERENCES categories (code),
    tags            text[] NOT NULL DEFAULT '{}',
    source          text NOT NULL DEFAULT '',
    owner_unit_code text REFERENCES units (code),
    valid_from      date,
    valid_until     date,
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'expired')),
    revision        integer NOT NULL DEFAULT 1,
    -- segmented title (A), question (B) and answer (C), written by the
    -- application's Chinese segmenter; never built by Postgres' own parser
    search_vector   tsvector NOT NULL,
    -- the valid_until an expiry reminder was sent for: a new date sends a new one
    reminded_until  date,
    created_by      bigint REFERENCES users (id),
    updated_by      bigint REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    published_at    timestamptz,
    CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from)
);
-- fastupdate off: articles are written seldom and searched on every call; a pending
-- list would be scanned whole by every search until vacuum cleans it
CREATE INDEX kb_articles_search_idx ON kb_articles USING gin (search_vector) WITH (fastupdate = off)
    WHERE status = 'published';
CREATE INDEX kb_articles_valid_until_idx ON kb_articles (valid_until) WHERE status = 'published' AND valid_until IS NOT NULL;
CREATE INDEX kb_articles_owner_idx ON kb_articles (owner_unit_code, id DESC);

-- Every change of an article: who, when, and the fields it changed (old and new).
CREATE TABLE kb_article_revisions (
    id          bigserial PRIMARY KEY,
    article_id  bigint NOT NULL REFERENCES kb_articles (id),
    revision    integer NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES users (id),
    actor       text NOT NULL,
    action      text NOT NULL,
    from_status text,
    to_status   text,
    changes     jsonb NOT NULL DEFAULT '{}',
    note        text NOT NULL DEFAULT '',
    UNIQUE (article_id, revision)
);

-- Synonym groups an admin keeps (网约车 = 网络预约出租汽车); terms are stored folded
-- (simplified, half-width, lower case).
CREATE TABLE kb_synonyms (
    id         bigserial PRIMARY KEY,
    terms      text[] NOT NULL CHECK (cardinality(terms) >= 2),
    created_by bigint REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Searches that offered nothing, per day and normalised query: the gaps to write.
CREATE TABLE kb_search_misses (
    day       date NOT NULL,
    query     text NOT NULL,
    count     integer NOT NULL DEFAULT 1,
    last_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (day, query)
);

-- A call answered from an article records it, so direct answers count per article.
ALTER TABLE items ADD COLUMN kb_article_id bigint REFERENCES kb_articles (id);
CREATE INDEX items_kb_article_idx ON items (kb_article_id, received_at) WHERE kb_article_id IS NOT NULL;

-- +goose Down
DROP INDEX items_kb_article_idx;
ALTER TABLE items DROP COLUMN kb_article_id;
DROP TABLE kb_search_misses;
DROP TABLE kb_synonyms;
DROP TABLE kb_article_revisions;
DROP TABLE kb_articles;
