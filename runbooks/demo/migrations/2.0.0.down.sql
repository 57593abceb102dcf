-- back to 1.1.0
ALTER TABLE events RENAME COLUMN body TO payload;
DROP TABLE workers;
