// Package crm keeps the two CRMs a B2B platform needs (R2): one around companies — the accounts the
// ground team (地推) covers, converts and grows — and one around key persons (关键人, KP), the people
// who buy, and who follow the platform from job to job.
//
// # Buying roles and the committee
//
// In B2B the user (使用者), the decision maker (决策者) and the payer (买单者) of a purchase are different
// people (R1: 多人决策). A person's job at a company is an employment Spell carrying her title and
// buying Roles from a start to an end. Committee answers, for one company at one date, who holds
// each role and which required roles (User, DecisionMaker and Payer unless Options says otherwise)
// nobody holds, with the completeness share.
//
// # Job changes
//
// People move (R3). A Person keeps one identity across employers and every contact point she has
// had, so she is still found by the phone number she used at her last job. ChangeJob ends her spell
// at the old company and starts one at the new company — never rewriting history — and returns a
// JobChange with two facts: a lost key person at the old account (the roles it lost, and whether it
// now lacks a required one) and a warm lead at the new one, created as a target sourced by her if
// the platform did not know it. EndJob records the commonest departure — she left, nobody knows
// where — the same way, with the roles lost and those left uncovered, and no new company.
// JobChanges streams them all for early warnings (R21); Departures and Leads read one period's
// departures from a company and warm leads at a company, so nobody filters by hand.
//
// # Deals
//
// A Deal is one opportunity with a customer — a tender, a yearly contract — and has a buying
// committee of its own (Salesforce's opportunity contact roles): DealCommittee sets it beside the
// account's, names the contacts who have left, and says whom the account has in the roles the deal
// lacks.
//
// # Companies, tiers and accounts
//
// A Company carries its unified social credit code (统一社会信用代码, checked per GB 32100-2015), its
// territory and industry, the estimated yearly purchasing of the category (the wallet, R7), its
// relationship stage with the date of every change, its reps and its tier. Tiers are explicit
// (分级分类, R4): a TierPolicy of levels and weights gives points for money and for contributions
// (出力出钱: on-time payment, referrals, reviews) over a window, and EvaluateTier moves a company up
// and down (能进能退), keeping the history. A customer company has an owner account and operator
// accounts (子母账号, R5); the host records operator activity and Digest summarises it for the owner.
//
// # What a sales team uses daily
//
// SearchCompanies and SearchPeople list records by name prefix (on NameKey: case, full-width
// letters and blanks aside) and, for companies, by city, territory, tier, owner rep and stage, a
// page at a time: the page's Next is the next query's After (keyset paging, which a database
// serves from an index on (NameKey, id) without counting skipped rows). DuplicatePeople and
// DuplicateCompanies find candidate pairs with their evidence for a rep to check and Merge: the same
// phone or mailbox under a looser key than the store's, the same or nearly the same name at one
// company or in one city, one organisation code under two registrations. Import brings people and
// their jobs in from another system — ReadPeopleCSV reads a spreadsheet — idempotent on the source's
// key, all or nothing, with every bad row reported by line and field.
//
// # Personal data (个人信息保护法, PIPL)
//
// Names and contact points are personal data. Person and ContactPoint mask them wherever they are
// printed or logged (String, GoString, slog.LogValuer: 138****5678), and their JSON is masked too, so
// a slice, map or struct holding people logged by a JSON handler does not leak them; Person.ClearJSON
// is the one way to write them in the clear, for storage. Errors never contain them; Erase removes
// them and keeps the anonymous spells and roles, so account history stays whole.
//
// Contact for marketing needs consent per purpose: GiveConsent and WithdrawConsent keep a dated
// history with how each consent was obtained, SetDoNotContact stops all contact, and
// Person.MayContact answers for a purpose and a date. Every call that hands out or changes a
// person's personal data — her record, contact points, consents, jobs, a search listing her — is
// recorded in her audit trail (Audit): who (the actor WithActor puts in the context), what call,
// when. The store keeps the trail; a change and its entry are written in one batch, and a read
// whose entry cannot be written fails. Erase keeps the consents and the trail, which hold none of
// her data.
//
// # Storage
//
// Storage is the host's (R23). Store is the narrow interface the CRM consumes, with the errors of each
// method documented; its one write, Apply, takes a Batch so a job change or a merge is written whole
// or not at all. Invariants that span records hold through the records' versions on any Store: a
// job start, end or change, and an import, also writes the person and the companies whose spells it
// read, so a call racing it loses with ErrConflict. Searches are keyset queries over (NameKey, id)
// that an SQL adapter serves from an index. MemoryStore is the concurrency-safe in-memory default,
// and crmtest.Run is the conformance suite every adapter must pass. Errors wrap b2bkit.ErrInvalid,
// ErrNotFound or ErrConflict and start with "crm:".
package crm
