-- Spoken prompts (issue 17 point 4): a coordinator or interpreter reads a session's question and consent text aloud,
-- once per language, for participants who read little; they get the recording with the text. Telegram holds the
-- audio: the store keeps its file id, and a fingerprint of the text that was read, so a recording of a text that has
-- changed since (a new translation, the consent naming a service) is no longer played. Who recorded it is not kept
-- (a forwarded note may be an interpreter's).
CREATE TABLE recording (
    session_id INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    subject    TEXT    NOT NULL CHECK (subject IN ('question', 'consent')),
    locale     TEXT    NOT NULL,
    file_id    TEXT    NOT NULL,
    text_hash  TEXT    NOT NULL,
    PRIMARY KEY (session_id, subject, locale)
) STRICT, WITHOUT ROWID;
