-- The receivables registry (risk.Registry, R19), as in the PostgreSQL schema; amounts are exact
-- decimal text. The partial unique index lets a receivable carry one financing transition, ever.
CREATE TABLE receivables (
	fingerprint TEXT     PRIMARY KEY,
	number      TEXT     NOT NULL,
	seller      TEXT     NOT NULL,
	debtor      TEXT     NOT NULL,
	amount      TEXT     NOT NULL,
	currency    TEXT     NOT NULL,
	issued_at   INTEGER  NOT NULL,
	issued_off  INTEGER  NOT NULL,
	due_at      INTEGER  NOT NULL,
	due_off     INTEGER  NOT NULL,
	state       INTEGER  NOT NULL,
	lender      TEXT     NOT NULL,
	financed    TEXT     NOT NULL,
	version     INTEGER  NOT NULL CHECK (version > 0)
);
CREATE INDEX receivables_by_seller ON receivables (seller, fingerprint);
CREATE INDEX receivables_by_debtor ON receivables (debtor, fingerprint);
CREATE TABLE receivable_orders (
	fingerprint TEXT    NOT NULL REFERENCES receivables (fingerprint) ON DELETE CASCADE,
	pos         INTEGER NOT NULL,
	order_id    TEXT    NOT NULL,
	PRIMARY KEY (fingerprint, pos)
);
CREATE TABLE receivable_history (
	fingerprint TEXT     NOT NULL REFERENCES receivables (fingerprint) ON DELETE CASCADE,
	pos         INTEGER  NOT NULL,
	state       INTEGER  NOT NULL,
	at          INTEGER  NOT NULL,
	at_off      INTEGER  NOT NULL,
	by_whom     TEXT     NOT NULL,
	lender      TEXT     NOT NULL,
	amount      TEXT     NOT NULL,
	PRIMARY KEY (fingerprint, pos)
);
CREATE UNIQUE INDEX receivable_financed_once ON receivable_history (fingerprint) WHERE state = 3;
