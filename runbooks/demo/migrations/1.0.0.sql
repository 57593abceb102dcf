-- 1.0.0: the first release of the demo service. Every other release's
-- schema is this file followed by the .up.sql files in release order.
CREATE TABLE schema_version (version TEXT NOT NULL);
INSERT INTO schema_version (version) VALUES ('1.0.0');
CREATE TABLE events (
	id	INTEGER PRIMARY KEY,
	worker	TEXT NOT NULL,
	at	TEXT NOT NULL,
	payload	TEXT NOT NULL
);
