-- The two CRMs (crm.Store, R2), as in the PostgreSQL schema: decimals are exact text, times
-- UTC nanoseconds with their offset, booleans 0 or 1. SQLite compares text as bytes already.
CREATE TABLE crm_companies (
	id               TEXT     PRIMARY KEY,
	name             TEXT     NOT NULL,
	reg_scheme       TEXT,
	reg_number       TEXT,
	territory        TEXT     NOT NULL,
	city             TEXT     NOT NULL,
	industry         TEXT     NOT NULL,
	wallet_amount    TEXT     NOT NULL,
	wallet_currency  TEXT     NOT NULL,
	wallet_method    TEXT     NOT NULL,
	wallet_as_of     INTEGER,
	wallet_as_of_off INTEGER,
	tier             TEXT     NOT NULL,
	tier_history     TEXT     NOT NULL,
	owner_rep        TEXT     NOT NULL,
	acquired_by      TEXT     NOT NULL,
	stage            INTEGER  NOT NULL,
	stages           TEXT     NOT NULL,
	source           INTEGER  NOT NULL,
	source_person    TEXT     NOT NULL,
	version          INTEGER  NOT NULL CHECK (version > 0)
);
CREATE UNIQUE INDEX crm_companies_one_per_registration ON crm_companies (reg_scheme, reg_number);
CREATE TABLE crm_people (
	id          TEXT    PRIMARY KEY,
	name        TEXT    NOT NULL,
	merged_into TEXT    NOT NULL,
	absorbed    TEXT    NOT NULL,
	erased_at   INTEGER,
	erased_off  INTEGER,
	version     INTEGER NOT NULL CHECK (version > 0)
);
CREATE TABLE crm_contacts (
	person    TEXT     NOT NULL REFERENCES crm_people (id) ON DELETE CASCADE,
	pos       INTEGER  NOT NULL,
	kind      INTEGER  NOT NULL,
	value     TEXT     NOT NULL,
	since     INTEGER,
	since_off INTEGER,
	until     INTEGER,
	until_off INTEGER,
	PRIMARY KEY (person, pos)
);
CREATE UNIQUE INDEX crm_contacts_one_holder ON crm_contacts (kind, value);
CREATE TABLE crm_spells (
	id        TEXT    PRIMARY KEY,
	person    TEXT    NOT NULL,
	company   TEXT    NOT NULL,
	title     TEXT    NOT NULL,
	roles     TEXT    NOT NULL,
	start_at  INTEGER NOT NULL,
	start_off INTEGER NOT NULL,
	end_at    INTEGER,
	end_off   INTEGER,
	version   INTEGER NOT NULL CHECK (version > 0)
);
CREATE INDEX crm_spells_by_person ON crm_spells (person, start_at, id);
CREATE INDEX crm_spells_by_company ON crm_spells (company, start_at, id);
CREATE TABLE crm_job_changes (
	id              TEXT     PRIMARY KEY,
	person          TEXT     NOT NULL,
	at              INTEGER  NOT NULL,
	at_off          INTEGER  NOT NULL,
	from_company    TEXT     NOT NULL,
	from_title      TEXT     NOT NULL,
	from_stage      INTEGER  NOT NULL,
	lost_roles      TEXT     NOT NULL,
	uncovered       TEXT     NOT NULL,
	left_incomplete INTEGER  NOT NULL,
	to_company      TEXT     NOT NULL,
	title           TEXT     NOT NULL,
	roles           TEXT     NOT NULL,
	to_stage        INTEGER  NOT NULL,
	lead_created    INTEGER  NOT NULL
);
CREATE INDEX crm_job_changes_by_time ON crm_job_changes (at, id);
CREATE TABLE crm_accounts (
	id         TEXT     PRIMARY KEY,
	company    TEXT     NOT NULL,
	person     TEXT     NOT NULL,
	kind       INTEGER  NOT NULL,
	closed     INTEGER,
	closed_off INTEGER,
	version    INTEGER  NOT NULL CHECK (version > 0)
);
CREATE INDEX crm_accounts_by_company ON crm_accounts (company, id);
CREATE UNIQUE INDEX crm_accounts_one_open_owner ON crm_accounts (company) WHERE kind = 1 AND closed IS NULL;
CREATE TABLE crm_activities (
	id      TEXT    PRIMARY KEY,
	account TEXT    NOT NULL,
	company TEXT    NOT NULL,
	at      INTEGER NOT NULL,
	at_off  INTEGER NOT NULL,
	action  TEXT    NOT NULL,
	subject TEXT    NOT NULL
);
CREATE INDEX crm_activities_by_company ON crm_activities (company, at, id);
