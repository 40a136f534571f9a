-- Ideas a coordinator marks to quote in the report (shown with a translation, never with who said it).
ALTER TABLE idea ADD COLUMN quoted INTEGER NOT NULL DEFAULT 0;
-- The coordinator's own introduction, at the head of the report.
ALTER TABLE session ADD COLUMN introduction TEXT;
