-- The match log as entries numbered by seq, as in the PostgreSQL schema: seq is the rowid, drawn
-- by the one writer SQLite allows at a time and committed under its lock, so numbers become visible
-- in increasing order. The matches of the previous schema become appended entries in their order.
CREATE TABLE match_log (
	seq         INTEGER PRIMARY KEY,
	kind        INTEGER NOT NULL,
	id          TEXT    NOT NULL,
	match_seq   INTEGER,
	buyer       TEXT,
	seller      TEXT,
	sku         TEXT,
	quantity    TEXT,
	unit_price  TEXT,
	currency    TEXT,
	subsidy     TEXT,
	payment     TEXT,
	ordered_at  INTEGER,
	ordered_off INTEGER,
	deliver_by  INTEGER,
	deliver_off INTEGER,
	at          INTEGER NOT NULL,
	at_off      INTEGER NOT NULL,
	status      INTEGER NOT NULL,
	mode        INTEGER,
	channel     INTEGER,
	changed_by  TEXT
);
CREATE UNIQUE INDEX match_log_one_append_per_id ON match_log (id) WHERE kind = 1;
CREATE INDEX match_log_changes_by_id ON match_log (id, seq) WHERE kind = 2;
INSERT INTO match_log (seq, kind, id, buyer, seller, sku, quantity, unit_price, currency, subsidy, payment, ordered_at,
	ordered_off, deliver_by, deliver_off, at, at_off, status, mode, channel)
SELECT seq, 1, id, buyer, seller, sku, quantity, unit_price, currency, subsidy, payment, ordered_at, ordered_off,
	deliver_by, deliver_off, at, at_off, status, mode, channel FROM matches ORDER BY seq;
DROP TABLE matches;
