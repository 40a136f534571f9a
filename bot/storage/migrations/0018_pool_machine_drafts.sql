-- A pool's words drafted by a machine in every language in one go (issue 17 point 1), each marked so until a
-- person confirms it. SQLite cannot widen a CHECK, so the work table is rebuilt with 'pool' among its kinds.
ALTER TABLE pool_translation ADD COLUMN machine TEXT;

CREATE TABLE translation_request_widened (
    kind          TEXT    NOT NULL CHECK (kind IN ('idea', 'checkin', 'session', 'pool')),
    ref           INTEGER NOT NULL,             -- the idea, the action, the session or the pool
    period        INTEGER NOT NULL DEFAULT 0,   -- the check-in's period (0 otherwise)
    requested_by  INTEGER REFERENCES participant (id) ON DELETE SET NULL,  -- told when it is done; NULL: automatic
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       TEXT    NOT NULL,
    refused       TEXT,                          -- set when the service will never translate it
    PRIMARY KEY (kind, ref, period)
) STRICT, WITHOUT ROWID;
INSERT INTO translation_request_widened (kind, ref, period, requested_by, attempts, next_at, refused)
    SELECT kind, ref, period, requested_by, attempts, next_at, refused FROM translation_request;
DROP TABLE translation_request;
ALTER TABLE translation_request_widened RENAME TO translation_request;
CREATE INDEX translation_request_due ON translation_request (next_at) WHERE refused IS NULL;
