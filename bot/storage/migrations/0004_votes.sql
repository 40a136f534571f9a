-- One vote per person per session: voting again replaces it.
CREATE TABLE vote (
    session_id     INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    membership_id  INTEGER NOT NULL REFERENCES membership (id) ON DELETE CASCADE,
    method         TEXT    NOT NULL CHECK (method IN ('ranking', 'dots', 'pairwise')),
    payload        TEXT    NOT NULL,   -- JSON: a top-N list, dots per theme, or pairwise choices
    cast_at        TEXT    NOT NULL,
    PRIMARY KEY (session_id, membership_id)
) STRICT, WITHOUT ROWID;
