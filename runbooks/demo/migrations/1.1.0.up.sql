-- 1.1.0 (minor): events get a level; old rows are 'info'.
ALTER TABLE events ADD COLUMN level TEXT NOT NULL DEFAULT 'info';
