-- What a catalogue says about a SKU beyond its list price (pricing.ListPrice): VAT rate, pack,
-- minimum, weight, its prices on other price lists and its attributes (name -> exact decimal text,
-- name -> value, as JSON objects read whole); and contract prices (协议价) for a buyer or a buyer
-- group over a period.
ALTER TABLE price_list ADD COLUMN tax_percent NUMERIC NOT NULL DEFAULT 0 CHECK (tax_percent >= 0 AND tax_percent <= 100);
ALTER TABLE price_list ADD COLUMN pack_size NUMERIC NOT NULL DEFAULT 0 CHECK (pack_size >= 0);
ALTER TABLE price_list ADD COLUMN min_quantity NUMERIC NOT NULL DEFAULT 0 CHECK (min_quantity >= 0);
ALTER TABLE price_list ADD COLUMN weight NUMERIC NOT NULL DEFAULT 0 CHECK (weight >= 0);
ALTER TABLE price_list ADD COLUMN other_prices TEXT NOT NULL DEFAULT '{}';
ALTER TABLE price_list ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
-- A contract belongs to exactly one party: a buyer (grp empty) or a group (buyer empty). A lookup
-- reads the primary key's prefix (sku, buyer, grp). valid_from and valid_until are UTC nanoseconds,
-- NULL when unbounded; the periods of one party's contracts for a SKU never overlap, which the
-- writer checks under a transaction-scoped advisory lock on (sku, buyer, grp).
CREATE TABLE contract_prices (
	sku         TEXT    COLLATE "C" NOT NULL,
	buyer       TEXT    COLLATE "C" NOT NULL,
	grp         TEXT    COLLATE "C" NOT NULL,
	id          TEXT    COLLATE "C" NOT NULL,
	price       NUMERIC NOT NULL CHECK (price > 0),
	valid_from  BIGINT,
	valid_until BIGINT,
	CHECK ((buyer = '') <> (grp = '')),
	CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_until > valid_from),
	PRIMARY KEY (sku, buyer, grp, id)
);
