-- 1.0.1 (patch): an index for the per-worker report.
CREATE INDEX events_by_worker ON events (worker);
