-- Several bot processes on one database (issue 18). Who holds what: a process claims a chat's waiting updates and
-- the outbox rows it is sending under its worker number; when that process is gone, another takes them over. SQLite
-- is used by one process at a time, so there every claim but one's own is a leftover of an earlier run.
ALTER TABLE inbound_update ADD COLUMN chat_id INTEGER;      -- whose updates must be handled one after another
ALTER TABLE inbound_update ADD COLUMN claimed_by INTEGER;   -- the worker handling them
ALTER TABLE outbox ADD COLUMN claimed_by INTEGER;           -- the worker sending it, while it is 'sending'
CREATE INDEX inbound_update_by_chat ON inbound_update (chat_id, update_id);
