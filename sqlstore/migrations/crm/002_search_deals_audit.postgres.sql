-- The CRM's daily tools: search by name key with keyset paging, deals, the audit trail of personal
-- data (PIPL), consents. name_key holds crm.NameKey(name), filled by the code on every write (and
-- for the rows already stored, right after this migration), compared as bytes ("C") so a name
-- prefix is a range of the index. A search filtered by a field scans that field's index in name
-- order. People are listed only while neither merged nor erased: the index holds only those.
ALTER TABLE crm_companies ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX crm_companies_by_name ON crm_companies (name_key, id);
CREATE INDEX crm_companies_by_city ON crm_companies (city, name_key, id);
CREATE INDEX crm_companies_by_territory ON crm_companies (territory, name_key, id);
CREATE INDEX crm_companies_by_tier ON crm_companies (tier, name_key, id);
CREATE INDEX crm_companies_by_owner_rep ON crm_companies (owner_rep, name_key, id);
CREATE INDEX crm_companies_by_stage ON crm_companies (stage, name_key, id);
ALTER TABLE crm_people ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE crm_people ADD COLUMN consents TEXT NOT NULL DEFAULT '[]';
ALTER TABLE crm_people ADD COLUMN do_not_contact BIGINT;
ALTER TABLE crm_people ADD COLUMN do_not_contact_off INTEGER;
CREATE INDEX crm_people_listed_by_name ON crm_people (name_key, id) WHERE merged_into = '' AND erased_at IS NULL;
-- Deals are versioned like accounts and never move to another company; their contacts, only ever
-- read whole, are a JSON list.
CREATE TABLE crm_deals (
	id         TEXT    COLLATE "C" PRIMARY KEY,
	company    TEXT    COLLATE "C" NOT NULL,
	name       TEXT    NOT NULL,
	opened     BIGINT  NOT NULL,
	opened_off INTEGER NOT NULL,
	closed     BIGINT,
	closed_off INTEGER,
	won        BOOLEAN NOT NULL,
	contacts   TEXT    NOT NULL,
	version    BIGINT  NOT NULL CHECK (version > 0)
);
CREATE INDEX crm_deals_by_company ON crm_deals (company, id);
-- Audit entries are appended, never changed or removed; seq is the order they were stored in.
CREATE TABLE crm_audit (
	seq    BIGINT   GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	person TEXT     NOT NULL,
	at     BIGINT   NOT NULL,
	at_off INTEGER  NOT NULL,
	actor  TEXT     NOT NULL,
	action SMALLINT NOT NULL,
	what   TEXT     NOT NULL
);
CREATE INDEX crm_audit_by_person ON crm_audit (person, seq);
