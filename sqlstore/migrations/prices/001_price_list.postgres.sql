-- The price list (pricing.PriceSource and BatchPriceSource): one list price per SKU, exact.
CREATE TABLE price_list (
	sku      TEXT    COLLATE "C" PRIMARY KEY,
	price    NUMERIC NOT NULL CHECK (price > 0),
	currency TEXT    NOT NULL,
	cost     NUMERIC NOT NULL CHECK (cost >= 0)
);
