-- Rows a crash left "sending" are found at start-up without reading the whole outbox.
CREATE INDEX outbox_sending ON outbox (id) WHERE status = 'sending';
