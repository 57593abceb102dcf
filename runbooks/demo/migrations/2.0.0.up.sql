-- 2.0.0 (major): workers are registered in their own table, and an
-- event's payload is now its body. Workloads of 1.x cannot write to it.
CREATE TABLE workers (
	name		TEXT PRIMARY KEY,
	first_seen	TEXT NOT NULL
);
INSERT INTO workers (name, first_seen)
	SELECT worker, min(at) FROM events GROUP BY worker;
ALTER TABLE events RENAME COLUMN payload TO body;
