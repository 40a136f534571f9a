-- Sessions people join with a short code, the groups they can choose, where each person is in
-- their conversation, and the ideas they gave.
CREATE TABLE session (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    title       TEXT    NOT NULL,
    question    TEXT    NOT NULL,
    languages   TEXT    NOT NULL,           -- JSON array of locale codes offered
    idea_limit  INTEGER NOT NULL CHECK (idea_limit BETWEEN 1 AND 100),
    phase       TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
) STRICT;

CREATE TABLE session_group (
    session_id  INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    id          TEXT    NOT NULL,
    name        TEXT,                       -- NULL for the default groups, whose names are translated
    position    INTEGER NOT NULL,
    PRIMARY KEY (session_id, id)
) STRICT, WITHOUT ROWID;

-- One person's part in one session. Group and consent stay NULL until given.
CREATE TABLE membership (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    participant_id  INTEGER NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    group_id        TEXT,
    consent_at      TEXT,
    flow_state      TEXT    NOT NULL,       -- JSON: flow, version, node, answers, partial input
    joined_at       TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    UNIQUE (session_id, participant_id)
) STRICT;

CREATE INDEX membership_by_participant ON membership (participant_id);

-- The session a person is talking about right now (they may have joined several).
ALTER TABLE participant ADD COLUMN active_membership INTEGER REFERENCES membership (id) ON DELETE SET NULL;

CREATE TABLE idea (
    id                 INTEGER PRIMARY KEY,
    session_id         INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    membership_id      INTEGER NOT NULL REFERENCES membership (id) ON DELETE CASCADE,
    seq                INTEGER NOT NULL,    -- the person's own numbering, used to undo
    kind               TEXT    NOT NULL CHECK (kind IN ('text', 'voice')),
    text               TEXT,
    voice_file_id      TEXT,
    voice_duration     INTEGER,
    language           TEXT,
    source_message_id  INTEGER,             -- to apply an edit of the message to this idea
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    UNIQUE (membership_id, seq),
    CHECK ((kind = 'text' AND text IS NOT NULL) OR (kind = 'voice' AND voice_file_id IS NOT NULL))
) STRICT;

CREATE INDEX idea_by_session ON idea (session_id);
CREATE INDEX idea_by_source ON idea (membership_id, source_message_id);

-- Small facts about the running bot, e.g. its username for join links.
CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) STRICT, WITHOUT ROWID;
