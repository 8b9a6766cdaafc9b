package crm_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// One purchase, its own committee (R1): the kitchen tender of the restaurant is tested by the chef
// and advised on by an outside consultant; nobody on it decides or pays yet, and the account says who
// could.
func TestR1_ADealHasItsOwnCommitteeBesideTheAccounts(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	addPerson(t, c, "consultant", "顾问", "")
	d, err := c.AddDeal(ctx, crm.Deal{ID: "kitchen-2026", Company: "A", Name: "new kitchen", Contacts: []crm.DealContact{
		{Person: "chen", Roles: []crm.Role{crm.User}},
		{Person: "consultant", Roles: []crm.Role{crm.Influencer}, Outside: true},
	}})
	require.NoError(t, err)
	assert.True(t, now.Equal(d.Opened), "opened at the clock's now")
	assert.Equal(t, int64(1), d.Version)

	at := day(2026, 3, 2)
	dc, err := c.DealCommittee(ctx, "kitchen-2026", at)
	require.NoError(t, err)
	assert.Equal(t, []b2bkit.PersonID{"chen"}, dc.Committee.Holders(crm.User))
	assert.Equal(t, []b2bkit.PersonID{"consultant"}, dc.Committee.Holders(crm.Influencer))
	assert.Empty(t, dc.Committee.Holders(crm.DecisionMaker), "chen is the account's influencer too, but not on this deal")
	assert.Equal(t, []crm.Role{crm.DecisionMaker, crm.Payer}, dc.Committee.Missing)
	requireDecEqual(t, dec("0.3333"), dc.Committee.Completeness)
	assert.True(t, dc.Account.Complete(), "the account itself has everyone")
	assert.Equal(t, []crm.Seat{{Role: crm.DecisionMaker, Holders: []b2bkit.PersonID{"li"}}, {Role: crm.Payer, Holders: []b2bkit.PersonID{"wang"}}}, dc.Suggested)
	assert.Empty(t, dc.Departed)

	// the owner joins the deal, then leaves the company: her role on the deal counts no more
	_, err = c.SetDealContact(ctx, "kitchen-2026", crm.DealContact{Person: "li", Roles: []crm.Role{crm.DecisionMaker, crm.Payer}})
	require.NoError(t, err)
	dc, err = c.DealCommittee(ctx, "kitchen-2026", at)
	require.NoError(t, err)
	assert.True(t, dc.Committee.Complete())
	assert.Empty(t, dc.Suggested)
	_, err = c.ChangeJob(ctx, "li", "B", "owner", []crm.Role{crm.DecisionMaker}, day(2026, 4, 1))
	require.NoError(t, err)
	dc, err = c.DealCommittee(ctx, "kitchen-2026", day(2026, 4, 2))
	require.NoError(t, err)
	assert.Equal(t, []b2bkit.PersonID{"li"}, dc.Departed)
	assert.Equal(t, []crm.Role{crm.DecisionMaker, crm.Payer}, dc.Committee.Missing)
	assert.Equal(t, []crm.Seat{{Role: crm.Payer, Holders: []b2bkit.PersonID{"wang"}}}, dc.Suggested, "nobody at the account decides now")

	// off the deal
	d, err = c.SetDealContact(ctx, "kitchen-2026", crm.DealContact{Person: "li"})
	require.NoError(t, err)
	assert.Len(t, d.Contacts, 2)
	d, err = c.CloseDeal(ctx, "kitchen-2026", true, day(2026, 5, 1))
	require.NoError(t, err)
	assert.True(t, day(2026, 5, 1).Equal(d.Closed))
	assert.True(t, d.Won)
	list, err := c.Deals(ctx, "A")
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, d.Version, list[0].Version)

	raw, err := json.Marshal(dc)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"departed":["li"]`)
	assert.Contains(t, string(raw), `"completeness":"0.3333"`, "the committees keep their own JSON")
}

func TestR1_BadDealsAreNamed(t *testing.T) {
	c := newCRM(t, nil)
	restaurant(t, c)
	_, err := c.AddDeal(ctx, crm.Deal{ID: "d", Company: "A", Name: "x", Contacts: []crm.DealContact{{Person: "li"}}})
	requireInvalidField(t, err, "deal.contacts[0].roles")
	_, err = c.AddDeal(ctx, crm.Deal{ID: "d", Company: "A", Name: "", Opened: now})
	requireInvalidField(t, err, "deal.name")
	_, err = c.AddDeal(ctx, crm.Deal{ID: "d", Company: "nowhere", Name: "x"})
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	_, err = c.AddDeal(ctx, crm.Deal{ID: "d", Company: "A", Name: "x", Contacts: []crm.DealContact{{Person: "ghost", Roles: []crm.Role{crm.User}}}})
	require.ErrorIs(t, err, b2bkit.ErrNotFound)
	_, err = c.AddDeal(ctx, crm.Deal{ID: "d", Company: "A", Name: "x", Closed: day(2020, 1, 1)})
	requireInvalidField(t, err, "deal.closed")
	_, err = c.AddDeal(ctx, crm.Deal{ID: "d", Company: "A", Name: "x"})
	require.NoError(t, err)
	_, err = c.AddDeal(ctx, crm.Deal{ID: "d", Company: "A", Name: "x"})
	require.ErrorIs(t, err, b2bkit.ErrConflict)
	_, err = c.SetDealContact(ctx, "d", crm.DealContact{Person: "li", Roles: []crm.Role{crm.User, crm.User}})
	requireInvalidField(t, err, "roles[1]")
	_, err = c.AddDeal(ctx, crm.Deal{ID: "won-early", Company: "A", Name: "x", Won: true})
	requireInvalidField(t, err, "deal.won")
	_, err = c.CloseDeal(ctx, "d", false, time.Time{})
	requireInvalidField(t, err, "at")
	_, err = c.CloseDeal(ctx, "d", false, day(2020, 1, 1))
	requireInvalidField(t, err, "deal.closed")
	d, err := c.CloseDeal(ctx, "d", false, day(2026, 5, 1))
	require.NoError(t, err)
	assert.False(t, d.Won, "lost")
	_, err = c.CloseDeal(ctx, "d", true, day(2026, 6, 1))
	requireInvalidField(t, err, "deal.closed")
	_, err = c.DealCommittee(ctx, "nope", now)
	require.ErrorIs(t, err, b2bkit.ErrNotFound)

	// a merged contact is followed
	addPerson(t, c, "li-2", "李娜", "")
	_, err = c.Merge(ctx, "li", "li-2")
	require.NoError(t, err)
	d, err = c.AddDeal(ctx, crm.Deal{ID: "e", Company: "A", Name: "y", Contacts: []crm.DealContact{{Person: "li-2", Roles: []crm.Role{crm.Payer}}}})
	require.NoError(t, err)
	assert.Equal(t, b2bkit.PersonID("li"), d.Contacts[0].Person)
}
