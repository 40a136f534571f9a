-- Coordinators run sessions from the chat. Roles, single-use invites, themes, moderation and
-- translations of what coordinators write.
CREATE TABLE coordinator (
    participant_id  INTEGER PRIMARY KEY REFERENCES participant (id) ON DELETE CASCADE,
    active_session  INTEGER REFERENCES session (id) ON DELETE SET NULL,
    flow_state      TEXT,                   -- JSON of a running coordinator flow (a wizard), if any
    created_at      TEXT NOT NULL
) STRICT;

-- Who may run which session: its owner and invited co-coordinators.
CREATE TABLE session_coordinator (
    session_id      INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    participant_id  INTEGER NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    role            TEXT    NOT NULL CHECK (role IN ('owner', 'co')),
    PRIMARY KEY (session_id, participant_id)
) STRICT, WITHOUT ROWID;

-- Single-use invite links. Only a hash of the token is stored.
CREATE TABLE invite (
    token_hash  TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('coordinator', 'co_coordinator')),
    session_id  INTEGER REFERENCES session (id) ON DELETE CASCADE,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
) STRICT, WITHOUT ROWID;

ALTER TABLE session ADD COLUMN source_locale TEXT;   -- the language the coordinator wrote in
ALTER TABLE session ADD COLUMN voting TEXT NOT NULL DEFAULT 'ranking';

CREATE TABLE theme (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    emoji       TEXT,
    position    INTEGER NOT NULL,
    created_at  TEXT    NOT NULL
) STRICT;

CREATE INDEX theme_by_session ON theme (session_id, position);

ALTER TABLE idea ADD COLUMN theme_id INTEGER REFERENCES theme (id) ON DELETE SET NULL;
ALTER TABLE idea ADD COLUMN duplicate_of INTEGER REFERENCES idea (id) ON DELETE SET NULL;
ALTER TABLE idea ADD COLUMN hidden_reason TEXT;
ALTER TABLE idea ADD COLUMN transcription TEXT;   -- typed by a coordinator: a voice note in words,
ALTER TABLE idea ADD COLUMN translation TEXT;     -- or a translation, kept next to the original

-- Translations of what a coordinator wrote (title, question, group and theme names) per language.
CREATE TABLE content_translation (
    session_id  INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    subject     TEXT    NOT NULL,               -- 'title', 'question', 'group:<id>', 'theme:<id>'
    locale      TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    PRIMARY KEY (session_id, subject, locale)
) STRICT, WITHOUT ROWID;
