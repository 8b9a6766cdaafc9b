-- A person's contact points are found by her id, which crm_people compares as bytes ("C"); the
-- column holding it here had the database's default collation, so a join of people with their
-- contact points (a page of SearchPeople) could not use the primary key (person, pos) and hashed
-- every contact point instead. The column now collates as the id it refers to.
ALTER TABLE crm_contacts ALTER COLUMN person TYPE TEXT COLLATE "C";
