-- The match log (matching.Log, R12-R13): append-only, idempotent by id (the primary key). seq
-- numbers the matches in append order: Scan yields equal times in seq order, and a reader can
-- follow the log from a sequence number. Each filter of Scan has an index ending in (at, seq), so
-- a scan reads only its SKU's, buyer's or seller's matches, already in time order. The payment
-- schedule is its installments as text: share/event/days, separated by semicolons.
CREATE TABLE matches (
	id          TEXT     COLLATE "C" PRIMARY KEY,
	seq         BIGINT   GENERATED ALWAYS AS IDENTITY UNIQUE,
	buyer       TEXT     NOT NULL,
	seller      TEXT     NOT NULL,
	sku         TEXT     NOT NULL,
	quantity    NUMERIC  NOT NULL CHECK (quantity > 0),
	unit_price  NUMERIC  NOT NULL CHECK (unit_price > 0),
	currency    TEXT     NOT NULL,
	subsidy     NUMERIC  NOT NULL CHECK (subsidy >= 0),
	payment     TEXT     NOT NULL,
	ordered_at  BIGINT,
	ordered_off INTEGER,
	deliver_by  BIGINT,
	deliver_off INTEGER,
	at          BIGINT   NOT NULL,
	at_off      INTEGER  NOT NULL,
	status      SMALLINT NOT NULL,
	mode        SMALLINT NOT NULL,
	channel     SMALLINT NOT NULL
);
CREATE INDEX matches_by_time ON matches (at, seq);
CREATE INDEX matches_by_sku ON matches (sku, at, seq);
CREATE INDEX matches_by_buyer ON matches (buyer, at, seq);
CREATE INDEX matches_by_seller ON matches (seller, at, seq);
