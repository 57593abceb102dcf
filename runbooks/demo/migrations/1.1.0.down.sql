-- back to 1.0.1
ALTER TABLE events DROP COLUMN level;
