-- One conversation path: every conversation a person has open is a run (a session, joining a pool, a
-- coordinator's wizard, an action's check-in), each with its own state, so a check-in and a vote can be open at
-- the same time. The three flow_state columns they replace are carried over and dropped.
CREATE TABLE run (
    id              INTEGER PRIMARY KEY,
    participant_id  INTEGER NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    purpose         TEXT    NOT NULL CHECK (purpose IN ('session', 'pool', 'wizard', 'checkin')),
    subject         INTEGER NOT NULL,          -- the session, pool or action it is about; 0 for a wizard
    flow            TEXT    NOT NULL,
    version         INTEGER NOT NULL,
    node            TEXT    NOT NULL,
    done            INTEGER NOT NULL DEFAULT 0,
    answers         TEXT    NOT NULL DEFAULT '{}',
    scratch         TEXT    NOT NULL DEFAULT '{}',
    focus           INTEGER NOT NULL,          -- higher: asked the person something more recently
    updated_at      TEXT    NOT NULL,
    UNIQUE (participant_id, purpose, subject)
) STRICT;

CREATE INDEX run_by_subject ON run (purpose, subject);

-- Sessions (the one a person was talking about last comes first), check-ins under way, pools being joined,
-- then wizards: the order in which the bot used to look for where a message belongs.
INSERT INTO run (participant_id, purpose, subject, flow, version, node, done, answers, scratch, focus, updated_at)
SELECT m.participant_id,
       CASE WHEN json_extract(m.flow_state, '$.flow') = 'checkin' THEN 'checkin' ELSE 'session' END,
       CASE WHEN json_extract(m.flow_state, '$.flow') = 'checkin'
            THEN json_extract(m.flow_state, '$.answers.action') ELSE m.session_id END,
       json_extract(m.flow_state, '$.flow'),
       json_extract(m.flow_state, '$.version'),
       json_extract(m.flow_state, '$.node'),
       COALESCE(json_extract(m.flow_state, '$.done'), 0),
       COALESCE(json_extract(m.flow_state, '$.answers'), '{}'),
       COALESCE(json_extract(m.flow_state, '$.scratch'), '{}'),
       m.id + CASE WHEN p.active_membership = m.id THEN 1000000000 ELSE 0 END,
       m.updated_at
FROM membership m JOIN participant p ON p.id = m.participant_id
WHERE p.telegram_id IS NOT NULL
  AND NOT (json_extract(m.flow_state, '$.flow') = 'checkin' AND json_extract(m.flow_state, '$.answers.action') IS NULL);

INSERT INTO run (participant_id, purpose, subject, flow, version, node, done, answers, scratch, focus, updated_at)
SELECT pm.participant_id, 'pool', pm.pool_id,
       json_extract(pm.flow_state, '$.flow'),
       json_extract(pm.flow_state, '$.version'),
       json_extract(pm.flow_state, '$.node'),
       COALESCE(json_extract(pm.flow_state, '$.done'), 0),
       COALESCE(json_extract(pm.flow_state, '$.answers'), '{}'),
       COALESCE(json_extract(pm.flow_state, '$.scratch'), '{}'),
       2000000000 + pm.id, pm.updated_at
FROM pool_member pm WHERE pm.flow_state IS NOT NULL;

-- A broadcast written and waiting for "Send now" was kept as a finished coordinator flow; it is a row now.
CREATE TABLE broadcast (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    author        INTEGER REFERENCES participant (id) ON DELETE SET NULL,
    text          TEXT    NOT NULL,
    translations  TEXT    NOT NULL DEFAULT '{}',   -- JSON: locale -> the coordinator's translation
    status        TEXT    NOT NULL CHECK (status IN ('prepared', 'sent', 'cancelled')),
    created_at    TEXT    NOT NULL,
    sent_at       TEXT,
    status_chat         INTEGER,               -- the coordinator's message that counts how far it is
    status_message      INTEGER,
    coordinator_locale  TEXT
) STRICT;

CREATE INDEX broadcast_by_session ON broadcast (session_id, status);

INSERT INTO broadcast (session_id, author, text, translations, status, created_at)
SELECT json_extract(c.flow_state, '$.answers.session'), c.participant_id,
       json_extract(c.flow_state, '$.answers.broadcast'),
       COALESCE(json_extract(c.flow_state, '$.answers.translations'), '{}'), 'prepared', c.created_at
FROM coordinator c
WHERE json_extract(c.flow_state, '$.flow') = 'broadcast' AND json_extract(c.flow_state, '$.done') = 1
  AND json_extract(c.flow_state, '$.answers.broadcast') IS NOT NULL
  AND EXISTS (SELECT 1 FROM session s WHERE s.id = json_extract(c.flow_state, '$.answers.session'));

-- A broadcast whose translations were being asked for kept its text in the question's answers.
INSERT INTO broadcast (session_id, author, text, translations, status, created_at)
SELECT json_extract(c.flow_state, '$.answers.session'), c.participant_id,
       json_extract(c.flow_state, '$.answers.pending.broadcast'),
       COALESCE(json_extract(c.flow_state, '$.answers.pending.translations'), '{}'), 'prepared', c.created_at
FROM coordinator c
WHERE json_extract(c.flow_state, '$.flow') = 'translate'
  AND json_extract(c.flow_state, '$.answers.purpose') = 'broadcast'
  AND json_extract(c.flow_state, '$.answers.pending.broadcast') IS NOT NULL
  AND COALESCE(json_extract(c.flow_state, '$.done'), 0) = 0
  AND EXISTS (SELECT 1 FROM session s WHERE s.id = json_extract(c.flow_state, '$.answers.session'));

INSERT INTO run (participant_id, purpose, subject, flow, version, node, done, answers, scratch, focus, updated_at)
SELECT c.participant_id, 'wizard', 0,
       json_extract(c.flow_state, '$.flow'),
       json_extract(c.flow_state, '$.version'),
       json_extract(c.flow_state, '$.node'),
       0,
       CASE WHEN json_extract(c.flow_state, '$.flow') = 'translate'
                 AND json_extract(c.flow_state, '$.answers.purpose') = 'broadcast'
            THEN json_set(json_extract(c.flow_state, '$.answers'), '$.broadcast',
                          (SELECT MAX(b.id) FROM broadcast b WHERE b.author = c.participant_id AND b.status = 'prepared'))
            ELSE COALESCE(json_extract(c.flow_state, '$.answers'), '{}') END,
       COALESCE(json_extract(c.flow_state, '$.scratch'), '{}'),
       3000000000 + c.participant_id, c.created_at
FROM coordinator c
WHERE c.flow_state IS NOT NULL AND COALESCE(json_extract(c.flow_state, '$.done'), 0) = 0;

ALTER TABLE membership DROP COLUMN flow_state;
ALTER TABLE coordinator DROP COLUMN flow_state;
ALTER TABLE pool_member DROP COLUMN flow_state;

-- The run that was talked about last replaces the participant's active membership.
CREATE TABLE participant_new (
    id            INTEGER PRIMARY KEY,
    telegram_id   INTEGER UNIQUE,
    pseudonym     TEXT    NOT NULL UNIQUE,
    locale        TEXT,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    stopped_at    TEXT,
    forgotten_at  TEXT
) STRICT;
INSERT INTO participant_new (id, telegram_id, pseudonym, locale, created_at, updated_at, stopped_at, forgotten_at)
SELECT id, telegram_id, pseudonym, locale, created_at, updated_at, stopped_at, forgotten_at FROM participant;
DROP TABLE participant;
ALTER TABLE participant_new RENAME TO participant;

-- Every message a step wants to send is journaled here in the step's transaction: replies too, not only
-- proactive messages. A reply goes to the chat it answers (chat_id), which may belong to nobody stored yet.
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY,
    purpose          TEXT    NOT NULL,       -- reply, notice, checkin, vote_open, broadcast, ... (bot/domain/outbox.py)
    recipient        INTEGER REFERENCES participant (id) ON DELETE CASCADE,
    chat_id          INTEGER,                -- where a reply goes; NULL: the recipient's own chat
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
    CHECK (recipient IS NOT NULL OR chat_id IS NOT NULL),
    UNIQUE (purpose, recipient, period)
) STRICT;
INSERT INTO outbox_new (id, purpose, recipient, period, due_at, not_before, status, attempts, collapse_key, payload,
                        last_error, updated_at)
SELECT id, purpose, recipient, period, due_at, not_before, status, attempts, collapse_key, payload, last_error,
       updated_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;

CREATE INDEX outbox_pending ON outbox (due_at) WHERE status = 'pending';
CREATE INDEX outbox_by_collapse ON outbox (collapse_key, status);
CREATE INDEX outbox_sending ON outbox (id) WHERE status = 'sending';
CREATE INDEX outbox_by_recipient ON outbox (recipient, status);
CREATE INDEX outbox_by_chat ON outbox (chat_id, status) WHERE chat_id IS NOT NULL;

-- Updates the bot could not read, or whose handling failed again and again: set aside with their id and the
-- reason, never their content, so everyone else is served on.
CREATE TABLE set_aside (
    update_id  INTEGER NOT NULL,
    key        TEXT    NOT NULL UNIQUE,  -- the update's hashed dedupe key: set aside once
    kinds      TEXT    NOT NULL,     -- which fields the update had (e.g. "message" or "poll_answer")
    reason     TEXT    NOT NULL,
    at         TEXT    NOT NULL
) STRICT;
