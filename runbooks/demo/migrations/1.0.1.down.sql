-- back to 1.0.0
DROP INDEX events_by_worker;
