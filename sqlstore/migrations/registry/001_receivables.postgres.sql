-- The receivables registry (risk.Registry, R19). A receivable is keyed by its fingerprint (64 hex
-- digits); Put is a conditional UPDATE on version. The partial unique index lets a receivable carry
-- one financing transition, ever: the database itself refuses a second financing.
CREATE TABLE receivables (
	fingerprint TEXT     COLLATE "C" PRIMARY KEY,
	number      TEXT     NOT NULL,
	seller      TEXT     NOT NULL,
	debtor      TEXT     NOT NULL,
	amount      NUMERIC  NOT NULL,
	currency    TEXT     NOT NULL,
	issued_at   BIGINT   NOT NULL,
	issued_off  INTEGER  NOT NULL,
	due_at      BIGINT   NOT NULL,
	due_off     INTEGER  NOT NULL,
	state       SMALLINT NOT NULL,
	lender      TEXT     NOT NULL,
	financed    NUMERIC  NOT NULL,
	version     BIGINT   NOT NULL CHECK (version > 0)
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
	state       SMALLINT NOT NULL,
	at          BIGINT   NOT NULL,
	at_off      INTEGER  NOT NULL,
	by_whom     TEXT     NOT NULL,
	lender      TEXT     NOT NULL,
	amount      NUMERIC  NOT NULL,
	PRIMARY KEY (fingerprint, pos)
);
CREATE UNIQUE INDEX receivable_financed_once ON receivable_history (fingerprint) WHERE state = 3;
