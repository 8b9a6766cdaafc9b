package crm_test

import (
	"context"
	"fmt"
	"time"

	"github.com/b2bkit/b2bkit/crm"
)

// exampleCRM is a restaurant that buys again and again: the owner decides, the chef uses, the
// accountant pays.
func exampleCRM() *crm.CRM {
	ctx := context.Background()
	clock := func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }
	c := crm.New(crm.NewMemoryStore(), &crm.Options{Now: clock})
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	must := func(_ any, err error) {
		if err != nil {
			panic(err)
		}
	}
	must(c.AddCompany(ctx, crm.Company{ID: "golden-wok", Name: "金锅餐厅", Stage: crm.Repurchasing}))
	must(c.AddPerson(ctx, crm.Person{ID: "li-na", Name: "李娜", Contacts: []crm.ContactPoint{{Kind: crm.Mobile, Value: "138 1234 5678"}}}))
	must(c.AddPerson(ctx, crm.Person{ID: "chen", Name: "陈师傅"}))
	must(c.AddPerson(ctx, crm.Person{ID: "wang", Name: "王会计"}))
	must(c.StartJob(ctx, crm.Job{Person: "li-na", Company: "golden-wok", Title: "owner", Roles: []crm.Role{crm.DecisionMaker}, Start: start}))
	must(c.StartJob(ctx, crm.Job{Person: "chen", Company: "golden-wok", Title: "head chef", Roles: []crm.Role{crm.User, crm.Influencer}, Start: start}))
	must(c.StartJob(ctx, crm.Job{Person: "wang", Company: "golden-wok", Title: "accountant", Roles: []crm.Role{crm.Payer}, Start: start}))
	return c
}

func ExampleCRM_Committee() {
	ctx := context.Background()
	c := exampleCRM()
	com, err := c.Committee(ctx, "golden-wok", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, seat := range com.Seats {
		fmt.Printf("%-15s %v\n", seat.Role, seat.Holders)
	}
	fmt.Println("missing:", com.Missing, "completeness:", com.Completeness)
	// Output:
	// user            [chen]
	// decision_maker  [li-na]
	// payer           [wang]
	// influencer      [chen]
	// missing: [] completeness: 1
}

func ExampleCRM_ChangeJob() {
	ctx := context.Background()
	c := exampleCRM()
	at := time.Date(2026, 2, 15, 0, 0, 0, 0, time.UTC)
	jc, err := c.ChangeJob(ctx, "li-na", "jade-garden", "general manager", []crm.Role{crm.DecisionMaker, crm.Payer}, at)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s left %s: was %s\n", jc.Person, jc.From, jc.Prior())
	fmt.Println("old account now lacks:", jc.Uncovered, "incomplete:", jc.LeftIncomplete)
	fmt.Printf("lead at %s: new=%v stage=%s\n", jc.To, jc.LeadCreated, jc.ToStage)

	p, _ := c.FindByContact(ctx, crm.Mobile, "+86 138-1234-5678")
	fmt.Println("found by old phone:", p)
	// Output:
	// li-na left golden-wok: was decision_maker at a repurchasing account
	// old account now lacks: [decision_maker] incomplete: true
	// lead at jade-garden: new=true stage=target
	// found by old phone: li-na 李* [mobile 138****5678]
}

func ExampleValidateCreditCode() {
	fmt.Println(crm.ValidateCreditCode("91330100716105852F"))
	fmt.Println(crm.ValidateCreditCode("91330100716105852G"))
	// Output:
	// <nil>
	// registration.number: position 18: check character is wrong
}
