-- What a catalogue says about a SKU beyond its list price, and contract prices for a buyer or a
-- buyer group over a period, as in the PostgreSQL schema (decimals as exact text). SQLite has one
-- writer at a time, so the check that one party's periods never overlap runs alone.
ALTER TABLE price_list ADD COLUMN tax_percent TEXT NOT NULL DEFAULT '0';
ALTER TABLE price_list ADD COLUMN pack_size TEXT NOT NULL DEFAULT '0';
ALTER TABLE price_list ADD COLUMN min_quantity TEXT NOT NULL DEFAULT '0';
ALTER TABLE price_list ADD COLUMN weight TEXT NOT NULL DEFAULT '0';
ALTER TABLE price_list ADD COLUMN other_prices TEXT NOT NULL DEFAULT '{}';
ALTER TABLE price_list ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
CREATE TABLE contract_prices (
	sku         TEXT    NOT NULL,
	buyer       TEXT    NOT NULL,
	grp         TEXT    NOT NULL,
	id          TEXT    NOT NULL,
	price       TEXT    NOT NULL,
	valid_from  INTEGER,
	valid_until INTEGER,
	PRIMARY KEY (sku, buyer, grp, id)
);
