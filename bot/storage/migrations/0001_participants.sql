-- People who talk to the bot. The Telegram id is kept only to send them messages.
CREATE TABLE participant (
    id          INTEGER PRIMARY KEY,
    telegram_id INTEGER UNIQUE,
    pseudonym   TEXT    NOT NULL UNIQUE,
    locale      TEXT,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
) STRICT;

-- Hashed keys of the updates already handled, written in the same transaction as their effect,
-- so an update delivered twice is handled once.
CREATE TABLE processed_update (
    key          TEXT PRIMARY KEY,
    processed_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX processed_update_by_time ON processed_update (processed_at);
