-- An action's year ends with the owner's answer to its last check-in (done, partly, not done), or without one.
ALTER TABLE action ADD COLUMN ending TEXT;
-- A spoken answer to "what would help?" is kept by its file id beside the written one, never in its place.
ALTER TABLE checkin ADD COLUMN help_voice TEXT;
