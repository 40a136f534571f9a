-- Several bot processes on one database (issue 18). Who holds what: a process claims a chat's waiting updates and
-- the outbox rows it is sending under its worker number; when that process is gone, another takes them over.
ALTER TABLE inbound_update ADD COLUMN chat_id BIGINT;      -- whose updates must be handled one after another
ALTER TABLE inbound_update ADD COLUMN claimed_by BIGINT;   -- the worker handling them
ALTER TABLE outbox ADD COLUMN claimed_by BIGINT;           -- the worker sending it, while it is 'sending'
CREATE INDEX inbound_update_by_chat ON inbound_update (chat_id, update_id);

-- A worker is a process holding the advisory lock (its number) on a connection of its own for as long as it runs:
-- when the process ends or is killed, PostgreSQL drops the connection and the lock, and the worker is gone.
CREATE FUNCTION inspraak_alive(worker bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid::bigint = 18
          AND objid::bigint = worker
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    )
$$;

-- Work that must not be done by two processes at once (taking a chat's updates, claiming a chat's messages) waits
-- for this lock until the transaction ends. SQLite, one writer at a time, needs no such lock.
CREATE FUNCTION inspraak_lock(what bigint) RETURNS bigint
LANGUAGE sql VOLATILE AS $$
    SELECT pg_advisory_xact_lock(19, what::integer);
    SELECT what
$$;

-- The bot's overall sending budget, shared by its processes: when the next message may go, by the server's clock
-- (seconds since 1970). One process alone keeps it in memory; SQLite has no second process to share it with.
CREATE TABLE send_budget (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    due  DOUBLE PRECISION NOT NULL
);
INSERT INTO send_budget (id, due) VALUES (1, 0);

-- A place for one message in the shared budget: the seconds to wait before sending it (0: now). A reply takes the
-- next free place, however far ahead; bulk (proactive = 1) takes one only when no more than `ahead` seconds of
-- places are booked, and otherwise gets NULL and asks again later: replies go first, in every process.
CREATE FUNCTION inspraak_book(spacing double precision, proactive bigint, ahead double precision)
RETURNS double precision
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    moment double precision := extract(epoch FROM clock_timestamp());
    place double precision;
BEGIN
    UPDATE send_budget SET due = GREATEST(due, moment) + spacing
    WHERE id = 1 AND (proactive = 0 OR due <= moment + ahead)
    RETURNING due - spacing INTO place;
    IF place IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN GREATEST(place - moment, 0);
END
$$;
