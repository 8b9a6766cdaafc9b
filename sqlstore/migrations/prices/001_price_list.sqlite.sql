-- The price list (pricing.PriceSource and BatchPriceSource): one list price per SKU, as exact
-- decimal text.
CREATE TABLE price_list (
	sku      TEXT PRIMARY KEY,
	price    TEXT NOT NULL,
	currency TEXT NOT NULL,
	cost     TEXT NOT NULL
);
