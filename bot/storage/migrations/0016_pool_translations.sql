-- A pool's own words (name, region, description) in the languages of its members (issue 17 point 3): members read
-- them before they agree to join. The language the coordinator wrote them in is asked when the pool is made.
ALTER TABLE pool ADD COLUMN source_locale TEXT;

CREATE TABLE pool_translation (
    pool_id  INTEGER NOT NULL REFERENCES pool (id) ON DELETE CASCADE,
    subject  TEXT    NOT NULL CHECK (subject IN ('name', 'region', 'description')),
    locale   TEXT    NOT NULL,
    text     TEXT    NOT NULL,
    PRIMARY KEY (pool_id, subject, locale)
) STRICT, WITHOUT ROWID;
