-- Webhook mode (issue 18): each update Telegram posts is written here and answered at once; the bot then handles
-- it from here, in update order, and deletes it once handled. A post Telegram makes again finds its row, and an
-- update handled before finds its dedupe key, so nothing is handled twice, and a crash loses nothing.
CREATE TABLE inbound_update (
    update_id    INTEGER PRIMARY KEY,
    body         TEXT    NOT NULL,   -- the update as Telegram sent it: people's words, kept only until handled
    received_at  TEXT    NOT NULL
) STRICT;
