-- Machine translation (issue 17): where a translation came from, and the work still to do.
-- An idea's translation into the session's own language: made by a machine (the service's name), or written or
-- corrected by a person (who, kept so the correction can be traced; never shown as a name).
ALTER TABLE idea ADD COLUMN translation_machine TEXT;
ALTER TABLE idea ADD COLUMN translation_by INTEGER REFERENCES participant (id) ON DELETE SET NULL;
-- An action owner's check-in answers (their note and what help they need) in the session's own language.
ALTER TABLE checkin ADD COLUMN note_translation TEXT;
ALTER TABLE checkin ADD COLUMN help_translation TEXT;
ALTER TABLE checkin ADD COLUMN translation_machine TEXT;
-- A session text drafted by a machine stays marked so until a person confirms or rewrites it.
ALTER TABLE content_translation ADD COLUMN machine TEXT;
-- Ideas and check-in answers are machine-translated when a coordinator asks ('demand') or as they come ('auto').
ALTER TABLE session ADD COLUMN machine_translation TEXT NOT NULL DEFAULT 'demand'
    CHECK (machine_translation IN ('demand', 'auto'));

-- What waits for the translation service: an idea, a check-in's answers, or every text of a session; tried again
-- later while the service is down or slow, given up (with the reason) when it does not translate the language.
CREATE TABLE translation_request (
    kind          TEXT    NOT NULL CHECK (kind IN ('idea', 'checkin', 'session')),
    ref           INTEGER NOT NULL,             -- the idea, the action, or the session
    period        INTEGER NOT NULL DEFAULT 0,   -- the check-in's period (0 otherwise)
    requested_by  INTEGER REFERENCES participant (id) ON DELETE SET NULL,  -- told when it is done; NULL: automatic
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       TEXT    NOT NULL,
    refused       TEXT,                          -- set when the service will never translate it
    PRIMARY KEY (kind, ref, period)
) STRICT, WITHOUT ROWID;

CREATE INDEX translation_request_due ON translation_request (next_at) WHERE refused IS NULL;
