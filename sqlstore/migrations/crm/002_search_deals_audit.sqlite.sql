-- The CRM's daily tools, as in the PostgreSQL schema: name_key holds crm.NameKey(name) (SQLite
-- compares text as bytes already), deals with their contacts as a JSON list, the audit trail in the
-- order stored (seq is the rowid: entries are never removed), consents.
ALTER TABLE crm_companies ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
CREATE INDEX crm_companies_by_name ON crm_companies (name_key, id);
CREATE INDEX crm_companies_by_city ON crm_companies (city, name_key, id);
CREATE INDEX crm_companies_by_territory ON crm_companies (territory, name_key, id);
CREATE INDEX crm_companies_by_tier ON crm_companies (tier, name_key, id);
CREATE INDEX crm_companies_by_owner_rep ON crm_companies (owner_rep, name_key, id);
CREATE INDEX crm_companies_by_stage ON crm_companies (stage, name_key, id);
ALTER TABLE crm_people ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE crm_people ADD COLUMN consents TEXT NOT NULL DEFAULT '[]';
ALTER TABLE crm_people ADD COLUMN do_not_contact INTEGER;
ALTER TABLE crm_people ADD COLUMN do_not_contact_off INTEGER;
CREATE INDEX crm_people_listed_by_name ON crm_people (name_key, id) WHERE merged_into = '' AND erased_at IS NULL;
CREATE TABLE crm_deals (
	id         TEXT    PRIMARY KEY,
	company    TEXT    NOT NULL,
	name       TEXT    NOT NULL,
	opened     INTEGER NOT NULL,
	opened_off INTEGER NOT NULL,
	closed     INTEGER,
	closed_off INTEGER,
	won        INTEGER NOT NULL,
	contacts   TEXT    NOT NULL,
	version    INTEGER NOT NULL CHECK (version > 0)
);
CREATE INDEX crm_deals_by_company ON crm_deals (company, id);
CREATE TABLE crm_audit (
	seq    INTEGER PRIMARY KEY,
	person TEXT    NOT NULL,
	at     INTEGER NOT NULL,
	at_off INTEGER NOT NULL,
	actor  TEXT    NOT NULL,
	action INTEGER NOT NULL,
	what   TEXT    NOT NULL
);
CREATE INDEX crm_audit_by_person ON crm_audit (person, seq);
