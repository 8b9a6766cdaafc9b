package crm

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/b2bkit/b2bkit"
)

// AddAccount stores a new owner or operator account of a customer company (R5: 子母账号). The company
// must exist, and the person too when one is named; a second open owner account for a company is an
// error matching b2bkit.ErrConflict, as is a race with a job change of the person named, whose
// Version goes up by one.
func (c *CRM) AddAccount(ctx context.Context, a Account) (Account, error) {
	if !c.made() {
		return Account{}, errNotMade()
	}
	if a.Version != 0 {
		return Account{}, wrap(b2bkit.Invalid("account.version", "must be 0 for a new account"))
	}
	if err := a.Validate(); err != nil {
		return Account{}, wrap(b2bkit.InField("account", err))
	}
	if _, err := c.store.Company(ctx, a.Company); err != nil {
		return Account{}, wrap(err)
	}
	var b Batch
	if a.Person != "" {
		p, err := c.resolve(ctx, a.Person)
		if err != nil {
			return Account{}, err
		}
		a.Person = p.ID
		// Her version claims the account: a job change closing her accounts races this one.
		b.People = []Person{p}
	}
	b.Accounts = []Account{a}
	if err := c.store.Apply(ctx, b); err != nil {
		return Account{}, wrap(err)
	}
	a.Version++
	return a, nil
}

// RecordActivity records what an account did, so the owner sees it in the Digest. The account must
// exist and be open at the activity's time; the activity's Company is set from it (a different one
// given is an error). Recording the
// same activity ID twice is an error matching b2bkit.ErrConflict.
func (c *CRM) RecordActivity(ctx context.Context, a Activity) error {
	if !c.made() {
		return errNotMade()
	}
	acc, err := c.store.Account(ctx, a.Account)
	if err != nil {
		return wrap(err)
	}
	if a.Company != "" && a.Company != acc.Company {
		return wrap(b2bkit.Invalid("activity.company", "account %s belongs to company %s", acc.ID, acc.Company))
	}
	a.Company = acc.Company
	if err := a.Validate(); err != nil {
		return wrap(b2bkit.InField("activity", err))
	}
	if !acc.Open(a.At) {
		return wrap(b2bkit.Invalid("activity.at", "account %s was closed at %s", acc.ID, acc.Closed.Format(time.RFC3339)))
	}
	return wrap(c.store.Apply(ctx, Batch{Activities: []Activity{a}}))
}

// An ActionCount is how often an action was done.
type ActionCount struct {
	Action string `json:"action"`
	Count  int    `json:"count"`
}

// An OperatorSummary is what one operator account did in a digest's period.
type OperatorSummary struct {
	Account AccountID       `json:"account"`
	Person  b2bkit.PersonID `json:"person,omitempty"`
	// Total counts every activity; Actions count them by action, most frequent first, then by word.
	Total   int           `json:"total"`
	Actions []ActionCount `json:"actions"`
	// Last is the time of the latest activity; zero for an idle operator.
	Last time.Time `json:"last,omitzero"`
}

// A Digest summarises for a company's owner what its operators did in [From, To) (R5): the decision
// maker sees the activity that could otherwise quietly kill a renewal.
type Digest struct {
	Company b2bkit.CompanyID `json:"company"`
	From    time.Time        `json:"from"`
	To      time.Time        `json:"to"`
	// Owner is the owner account, empty when the company has none yet.
	Owner AccountID `json:"owner,omitempty"`
	// Operators lists every operator account, by id, idle ones included, but for those closed
	// before From.
	Operators []OperatorSummary `json:"operators"`
	// Total counts all operator activity; Idle lists the operators with none.
	Total int         `json:"total"`
	Idle  []AccountID `json:"idle"`
	// Alerts are the operator activities whose action is one of the watch words given to Digest,
	// oldest first: a cancelled renewal, a switched supplier.
	Alerts []Activity `json:"alerts"`
}

// Digest summarises the activity of a company's operator accounts in the period [from, to) for its
// owner. Activities whose Action is one of watch are also listed one by one as alerts. An unknown
// company matches b2bkit.ErrNotFound; a period that ends before it starts matches b2bkit.ErrInvalid.
func (c *CRM) Digest(ctx context.Context, company b2bkit.CompanyID, from, to time.Time, watch ...string) (Digest, error) {
	if !c.made() {
		return Digest{}, errNotMade()
	}
	if to.Before(from) {
		return Digest{}, wrap(b2bkit.Invalid("to", "must not be before from"))
	}
	if _, err := c.store.Company(ctx, company); err != nil {
		return Digest{}, wrap(err)
	}
	accs, err := c.store.Accounts(ctx, company)
	if err != nil {
		return Digest{}, wrap(err)
	}
	d := Digest{Company: company, From: from, To: to, Operators: []OperatorSummary{}, Idle: []AccountID{}, Alerts: []Activity{}}
	idx := map[AccountID]int{}
	counts := map[AccountID]map[string]int{}
	for _, a := range accs {
		if a.Kind == Owner {
			if d.Owner == "" || a.Closed.IsZero() {
				d.Owner = a.ID // the open one, if any
			}
			continue
		}
		if !a.Open(from) {
			continue // closed before the period
		}
		idx[a.ID] = len(d.Operators)
		counts[a.ID] = map[string]int{}
		d.Operators = append(d.Operators, OperatorSummary{Account: a.ID, Person: a.Person, Actions: []ActionCount{}})
	}
	for act, err := range c.store.Activities(ctx, company, from, to) {
		if err != nil {
			return Digest{}, wrap(err)
		}
		i, ok := idx[act.Account]
		if !ok {
			continue // the owner's own activity, or an account since removed
		}
		op := &d.Operators[i]
		op.Total++
		d.Total++
		counts[act.Account][act.Action]++
		if act.At.After(op.Last) {
			op.Last = act.At
		}
		if slices.Contains(watch, act.Action) {
			d.Alerts = append(d.Alerts, act)
		}
	}
	for i := range d.Operators {
		op := &d.Operators[i]
		for w, n := range counts[op.Account] {
			op.Actions = append(op.Actions, ActionCount{w, n})
		}
		slices.SortFunc(op.Actions, func(a, b ActionCount) int {
			if c := cmp.Compare(b.Count, a.Count); c != 0 {
				return c
			}
			return cmp.Compare(a.Action, b.Action)
		})
		if op.Total == 0 {
			d.Idle = append(d.Idle, op.Account)
		}
	}
	return d, nil
}
