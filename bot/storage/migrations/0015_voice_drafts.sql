-- Voice notes written down by a transcriber (issue 17 point 2). The participant sees the draft ("I heard: …") and
-- keeps it, types their own, or keeps only the recording; the recording always stays. One row per voice idea
-- given while a transcriber was configured.
CREATE TABLE voice_draft (
    idea_id   INTEGER PRIMARY KEY REFERENCES idea (id) ON DELETE CASCADE,
    state     TEXT    NOT NULL DEFAULT 'waiting'
              CHECK (state IN ('waiting', 'asked', 'typing', 'kept', 'typed', 'recording', 'unsupported', 'too_long')),
    draft     TEXT,                          -- what the transcriber heard, until the participant decides
    attempts  INTEGER NOT NULL DEFAULT 0,
    next_at   TEXT    NOT NULL               -- when the transcriber is to try (again), while waiting
) STRICT;

CREATE INDEX voice_draft_due ON voice_draft (next_at) WHERE state = 'waiting';
