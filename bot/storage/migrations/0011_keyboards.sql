-- The message that holds a person's current Undo/Done buttons: a later one takes them away, so old keyboards
-- that no longer apply do not pile up in the chat. Only a message id is kept, never its text.
CREATE TABLE keyboard (
    participant_id INTEGER NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    slot           TEXT    NOT NULL,
    message_id     INTEGER NOT NULL,
    PRIMARY KEY (participant_id, slot)
);
