-- The two CRMs (crm.Store, R2): companies and key persons, employment spells, job changes, accounts
-- and their activity. Versioned records are written by conditional UPDATE on version. Unique indexes
-- hold one company per registration, one person per contact point and one open owner account per
-- company (R5). Ids collate as bytes ("C"), so they sort as Go sorts them. Histories that are only
-- ever read whole (stage and tier changes, absorbed ids) are JSON documents in text columns, their
-- decimals as exact strings.
CREATE TABLE crm_companies (
	id               TEXT     COLLATE "C" PRIMARY KEY,
	name             TEXT     NOT NULL,
	reg_scheme       TEXT,
	reg_number       TEXT,
	territory        TEXT     NOT NULL,
	city             TEXT     NOT NULL,
	industry         TEXT     NOT NULL,
	wallet_amount    NUMERIC  NOT NULL,
	wallet_currency  TEXT     NOT NULL,
	wallet_method    TEXT     NOT NULL,
	wallet_as_of     BIGINT,
	wallet_as_of_off INTEGER,
	tier             TEXT     NOT NULL,
	tier_history     TEXT     NOT NULL,
	owner_rep        TEXT     NOT NULL,
	acquired_by      TEXT     NOT NULL,
	stage            SMALLINT NOT NULL,
	stages           TEXT     NOT NULL,
	source           SMALLINT NOT NULL,
	source_person    TEXT     NOT NULL,
	version          BIGINT   NOT NULL CHECK (version > 0)
);
CREATE UNIQUE INDEX crm_companies_one_per_registration ON crm_companies (reg_scheme, reg_number);
CREATE TABLE crm_people (
	id          TEXT    COLLATE "C" PRIMARY KEY,
	name        TEXT    NOT NULL,
	merged_into TEXT    NOT NULL,
	absorbed    TEXT    NOT NULL,
	erased_at   BIGINT,
	erased_off  INTEGER,
	version     BIGINT  NOT NULL CHECK (version > 0)
);
CREATE TABLE crm_contacts (
	person    TEXT     NOT NULL REFERENCES crm_people (id) ON DELETE CASCADE,
	pos       INTEGER  NOT NULL,
	kind      SMALLINT NOT NULL,
	value     TEXT     NOT NULL,
	since     BIGINT,
	since_off INTEGER,
	until     BIGINT,
	until_off INTEGER,
	PRIMARY KEY (person, pos)
);
CREATE UNIQUE INDEX crm_contacts_one_holder ON crm_contacts (kind, value);
CREATE TABLE crm_spells (
	id        TEXT    COLLATE "C" PRIMARY KEY,
	person    TEXT    NOT NULL,
	company   TEXT    NOT NULL,
	title     TEXT    NOT NULL,
	roles     TEXT    NOT NULL,
	start_at  BIGINT  NOT NULL,
	start_off INTEGER NOT NULL,
	end_at    BIGINT,
	end_off   INTEGER,
	version   BIGINT  NOT NULL CHECK (version > 0)
);
CREATE INDEX crm_spells_by_person ON crm_spells (person, start_at, id);
CREATE INDEX crm_spells_by_company ON crm_spells (company, start_at, id);
CREATE TABLE crm_job_changes (
	id              TEXT     COLLATE "C" PRIMARY KEY,
	person          TEXT     NOT NULL,
	at              BIGINT   NOT NULL,
	at_off          INTEGER  NOT NULL,
	from_company    TEXT     NOT NULL,
	from_title      TEXT     NOT NULL,
	from_stage      SMALLINT NOT NULL,
	lost_roles      TEXT     NOT NULL,
	uncovered       TEXT     NOT NULL,
	left_incomplete BOOLEAN  NOT NULL,
	to_company      TEXT     NOT NULL,
	title           TEXT     NOT NULL,
	roles           TEXT     NOT NULL,
	to_stage        SMALLINT NOT NULL,
	lead_created    BOOLEAN  NOT NULL
);
CREATE INDEX crm_job_changes_by_time ON crm_job_changes (at, id);
CREATE TABLE crm_accounts (
	id         TEXT     COLLATE "C" PRIMARY KEY,
	company    TEXT     NOT NULL,
	person     TEXT     NOT NULL,
	kind       SMALLINT NOT NULL,
	closed     BIGINT,
	closed_off INTEGER,
	version    BIGINT   NOT NULL CHECK (version > 0)
);
CREATE INDEX crm_accounts_by_company ON crm_accounts (company, id);
CREATE UNIQUE INDEX crm_accounts_one_open_owner ON crm_accounts (company) WHERE kind = 1 AND closed IS NULL;
CREATE TABLE crm_activities (
	id      TEXT    COLLATE "C" PRIMARY KEY,
	account TEXT    NOT NULL,
	company TEXT    NOT NULL,
	at      BIGINT  NOT NULL,
	at_off  INTEGER NOT NULL,
	action  TEXT    NOT NULL,
	subject TEXT    NOT NULL
);
CREATE INDEX crm_activities_by_company ON crm_activities (company, at, id);
