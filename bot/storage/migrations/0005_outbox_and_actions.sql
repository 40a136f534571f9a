-- Every proactive message is a row: sent by one repeating job, never held in memory, never sent twice
-- for the same (purpose, recipient, period).
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    purpose          TEXT    NOT NULL,       -- checkin, reminder, escalation, stuck, digest, update, ...
    recipient        INTEGER NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    period           TEXT    NOT NULL,       -- what makes it unique for that purpose and person
    due_at           TEXT    NOT NULL,       -- UTC
    not_before       TEXT,                   -- UTC: a retry or a rate-limit pause
    status           TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'stopped', 'cancelled', 'skipped')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    collapse_key     TEXT,                   -- several missed rows with this key become one message
    payload          TEXT    NOT NULL,       -- JSON
    last_error       TEXT,
    updated_at       TEXT    NOT NULL,
    UNIQUE (purpose, recipient, period)
) STRICT;

CREATE INDEX outbox_pending ON outbox (due_at) WHERE status = 'pending';
CREATE INDEX outbox_by_collapse ON outbox (collapse_key, status);

-- Someone who blocked the bot is never messaged again.
ALTER TABLE participant ADD COLUMN stopped_at TEXT;

-- Action agenda: concrete actions with an owner, checked in on for a year.
CREATE TABLE action (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    title         TEXT    NOT NULL,
    description   TEXT    NOT NULL,
    themes        TEXT    NOT NULL DEFAULT '[]',   -- JSON list of theme ids
    cadence       TEXT    NOT NULL CHECK (cadence IN ('weekly', 'biweekly', 'monthly', 'quarterly')),
    start_date    TEXT    NOT NULL,                -- local date
    months        INTEGER NOT NULL DEFAULT 12,
    owner         INTEGER REFERENCES participant (id) ON DELETE SET NULL,
    invite_hash   TEXT UNIQUE,                     -- the owner's single-use invite, until accepted
    at_time       TEXT    NOT NULL DEFAULT '10:00',
    timezone      TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'open'
                  CHECK (status IN ('open', 'active', 'paused', 'done', 'closed')),
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
) STRICT;

CREATE INDEX action_by_session ON action (session_id);

CREATE TABLE checkin (
    action_id     INTEGER NOT NULL REFERENCES action (id) ON DELETE CASCADE,
    period        INTEGER NOT NULL,
    due_at        TEXT    NOT NULL,
    sent_at       TEXT,                            -- when the question went out (a collapsed one never does)
    reminded_at   TEXT,
    status        TEXT    CHECK (status IN ('on_track', 'delay', 'stuck', 'done')),
    help          TEXT,
    note          TEXT,
    note_voice    TEXT,
    answered_at   TEXT,
    PRIMARY KEY (action_id, period)
) STRICT, WITHOUT ROWID;

-- Participants who asked to hear what becomes of their input.
ALTER TABLE membership ADD COLUMN wants_updates INTEGER NOT NULL DEFAULT 0;
