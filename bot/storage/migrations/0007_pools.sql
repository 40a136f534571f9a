-- Expert pools: standing communities of newcomers who agreed to be invited to consultations again and again.
CREATE TABLE pool (
    id             INTEGER PRIMARY KEY,
    code           TEXT    NOT NULL UNIQUE,
    owner          INTEGER NOT NULL REFERENCES participant (id),
    name           TEXT    NOT NULL,
    region         TEXT    NOT NULL,
    description    TEXT    NOT NULL,
    topics         TEXT    NOT NULL,           -- JSON list of topic ids (see bot/domain/pool.py)
    fields         TEXT    NOT NULL,           -- JSON list of the optional profile questions asked
    monthly_limit  INTEGER NOT NULL CHECK (monthly_limit BETWEEN 1 AND 31),
    created_at     TEXT    NOT NULL
) STRICT;

CREATE INDEX pool_by_owner ON pool (owner);

-- One person in one pool. While they are still joining, flow_state holds where they are; it is NULL after.
-- Leaving deletes the row at once.
CREATE TABLE pool_member (
    id              INTEGER PRIMARY KEY,
    pool_id         INTEGER NOT NULL REFERENCES pool (id) ON DELETE CASCADE,
    participant_id  INTEGER NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    pseudonym       TEXT    NOT NULL,
    group_id        TEXT,
    profile         TEXT    NOT NULL DEFAULT '{}',   -- JSON: the optional answers given
    consent_at      TEXT,
    flow_state      TEXT,
    joined_at       TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    UNIQUE (pool_id, participant_id)
) STRICT;

CREATE INDEX pool_member_by_participant ON pool_member (participant_id);

-- A session a pool was consulted for, with whom it invited (the filter) and the topic it was about.
CREATE TABLE pool_consultation (
    pool_id       INTEGER NOT NULL REFERENCES pool (id) ON DELETE CASCADE,
    session_id    INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    topic         TEXT,
    invited_at    TEXT    NOT NULL,
    PRIMARY KEY (pool_id, session_id)
) STRICT, WITHOUT ROWID;

-- One invitation to one member. It outlives the member (member_id becomes NULL when they leave), so response
-- rates stay right and nobody can be named from them.
CREATE TABLE pool_invitation (
    id            INTEGER PRIMARY KEY,
    pool_id       INTEGER NOT NULL REFERENCES pool (id) ON DELETE CASCADE,
    session_id    INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    member_id     INTEGER REFERENCES pool_member (id) ON DELETE SET NULL,
    invited_at    TEXT    NOT NULL,
    accepted_at   TEXT,
    UNIQUE (session_id, member_id)
) STRICT;

CREATE INDEX pool_invitation_by_member ON pool_invitation (member_id, invited_at);
CREATE INDEX pool_invitation_by_pool ON pool_invitation (pool_id, session_id);
