-- The match log (matching.Log, R12-R13), as in the PostgreSQL schema. seq is the rowid, numbered
-- in append order (one writer at a time); id is unique, so an append is idempotent by it. Every
-- index ends in the rowid, so (sku, at) is ordered by (sku, at, seq). Decimals are exact text.
CREATE TABLE matches (
	seq         INTEGER PRIMARY KEY,
	id          TEXT    NOT NULL UNIQUE,
	buyer       TEXT    NOT NULL,
	seller      TEXT    NOT NULL,
	sku         TEXT    NOT NULL,
	quantity    TEXT    NOT NULL,
	unit_price  TEXT    NOT NULL,
	currency    TEXT    NOT NULL,
	subsidy     TEXT    NOT NULL,
	payment     TEXT    NOT NULL,
	ordered_at  INTEGER,
	ordered_off INTEGER,
	deliver_by  INTEGER,
	deliver_off INTEGER,
	at          INTEGER NOT NULL,
	at_off      INTEGER NOT NULL,
	status      INTEGER NOT NULL,
	mode        INTEGER NOT NULL,
	channel     INTEGER NOT NULL
);
CREATE INDEX matches_by_time ON matches (at);
CREATE INDEX matches_by_sku ON matches (sku, at);
CREATE INDEX matches_by_buyer ON matches (buyer, at);
CREATE INDEX matches_by_seller ON matches (seller, at);
