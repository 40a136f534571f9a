-- An action's year ends with the owner's answer to its last check-in (done, partly, not done), or without one.
ALTER TABLE action ADD COLUMN ending TEXT;
