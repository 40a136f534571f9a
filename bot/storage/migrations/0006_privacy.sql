-- Pseudonyms per session: the same person has a different name in each session, derived with a secret
-- kept outside the database. Earlier members keep their participant-wide pseudonym.
ALTER TABLE membership ADD COLUMN pseudonym TEXT;
UPDATE membership SET pseudonym = (SELECT pseudonym FROM participant WHERE participant.id = membership.participant_id);

-- When a person forgot themselves, or was purged by retention.
ALTER TABLE participant ADD COLUMN forgotten_at TEXT;
