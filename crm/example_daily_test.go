package crm_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
)

func ExampleCRM_EndJob() {
	ctx := context.Background()
	c := exampleCRM()
	hist, _ := c.History(ctx, "wang")
	// The accountant left; nobody knows where. The account lost its payer.
	jc, err := c.EndJob(ctx, hist[0].ID, "wang", time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s left %s: was %s\n", jc.Person, jc.From, jc.Prior())
	fmt.Println("now lacks:", jc.Uncovered, "went to:", jc.To == "")
	// Output:
	// wang left golden-wok: was payer at a repurchasing account
	// now lacks: [payer] went to: true
}

func ExampleCRM_Departures() {
	ctx := context.Background()
	c := exampleCRM()
	feb := func(d int) time.Time { return time.Date(2026, 2, d, 0, 0, 0, 0, time.UTC) }
	hist, _ := c.History(ctx, "wang")
	_, _ = c.EndJob(ctx, hist[0].ID, "wang", feb(20))
	_, _ = c.ChangeJob(ctx, "li-na", "jade-garden", "general manager", []crm.Role{crm.DecisionMaker}, feb(15))
	for jc, err := range c.Departures(ctx, feb(1), feb(28)) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %s left %s, uncovered %v\n", jc.At.Format(time.DateOnly), jc.Person, jc.From, jc.Uncovered)
	}
	for jc, err := range c.Leads(ctx, feb(1), feb(28)) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("lead: %s at %s (%s), was %s\n", jc.Person, jc.To, jc.ToStage, jc.Prior())
	}
	// Output:
	// 2026-02-15 li-na left golden-wok, uncovered [decision_maker]
	// 2026-02-20 wang left golden-wok, uncovered [payer]
	// lead: li-na at jade-garden (target), was decision_maker at a repurchasing account
}

func ExampleCRM_SearchCompanies() {
	ctx := context.Background()
	c := crm.New(nil, nil)
	for i, name := range []string{"Golden Wok", "金锅餐厅", "Golden Dragon", "Jade Garden", "GOLDEN SEA"} {
		_, _ = c.AddCompany(ctx, crm.Company{ID: b2bkit.CompanyID(fmt.Sprintf("c%d", i)), Name: name, City: "Hangzhou", OwnerRep: "rep-zhang", Stage: crm.Covered})
	}
	q := crm.CompanyQuery{NamePrefix: "gold", OwnerRep: "rep-zhang", Limit: 2}
	for {
		page, err := c.SearchCompanies(ctx, q)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, co := range page.Companies {
			fmt.Println(co.ID, co.Name)
		}
		if page.Next == "" {
			break
		}
		fmt.Println("-- next page after", page.Next)
		q.After = page.Next
	}
	// Output:
	// c2 Golden Dragon
	// c4 GOLDEN SEA
	// -- next page after c4
	// c0 Golden Wok
}

func ExampleCRM_DuplicatePeople() {
	ctx := context.Background()
	c := exampleCRM()
	// An import brought li-na in again, with her number as a 139.com mailbox.
	_, _ = c.AddPerson(ctx, crm.Person{ID: "hr-17", Name: "Li Na", Contacts: []crm.ContactPoint{{Kind: crm.Email, Value: "13812345678@139.com"}}})
	pairs, err := c.DuplicatePeople(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range pairs {
		fmt.Println(p.A, p.B, p.Evidence[0].Kind, p.Evidence[0].Detail)
	}
	merged, _ := c.Merge(ctx, "li-na", "hr-17")
	fmt.Println("merged:", merged.Absorbed)
	// Output:
	// hr-17 li-na same_phone 138****5678
	// merged: [hr-17]
}

func ExampleCRM_Import() {
	ctx := context.Background()
	c := crm.New(nil, nil)
	_, _ = c.AddCompany(ctx, crm.Company{ID: "golden-wok", Name: "金锅餐厅", Stage: crm.Repurchasing})
	const sheet = `key,name,mobile,company,title,roles,start
hr-1,李娜,138 1234 5678,golden-wok,owner,decision_maker,2024-01-01
hr-2,陈伟,1390000,golden-wok,head chef,user,2024-01-01
hr-3,王芳,13900001111,jade-garden,accountant,payer,2024-01-01
`
	_, err := c.Import(ctx, crm.ReadPeopleCSV(strings.NewReader(sheet), nil))
	var bad *crm.ImportError
	if errors.As(err, &bad) {
		for _, r := range bad.Rows {
			fmt.Println(r.Error())
		}
	}
	fixed := strings.Replace(strings.Replace(sheet, "1390000,", "13900002222,", 1), "jade-garden", "golden-wok", 1)
	res, err := c.Import(ctx, crm.ReadPeopleCSV(strings.NewReader(fixed), nil))
	fmt.Printf("%+v %v\n", res, err)
	res, _ = c.Import(ctx, crm.ReadPeopleCSV(strings.NewReader(fixed), nil))
	fmt.Printf("again: %+v\n", res)
	// Output:
	// line 3: contacts[0].value: a Chinese mobile number has 11 digits starting 13-19
	// line 4: job.company: unknown company jade-garden
	// {Rows:3 PeopleCreated:3 PeopleUpdated:0 PeopleUnchanged:0 SpellsCreated:3 SpellsUnchanged:0} <nil>
	// again: {Rows:3 PeopleCreated:0 PeopleUpdated:0 PeopleUnchanged:3 SpellsCreated:0 SpellsUnchanged:3}
}

func ExampleCRM_DealCommittee() {
	ctx := context.Background()
	c := exampleCRM()
	_, _ = c.AddDeal(ctx, crm.Deal{ID: "kitchen-2026", Company: "golden-wok", Name: "new kitchen",
		Contacts: []crm.DealContact{{Person: "chen", Roles: []crm.Role{crm.User, crm.Influencer}}}})
	dc, err := c.DealCommittee(ctx, "kitchen-2026", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("deal lacks:", dc.Committee.Missing, "completeness:", dc.Committee.Completeness)
	for _, s := range dc.Suggested {
		fmt.Printf("bring in as %s: %v\n", s.Role, s.Holders)
	}
	// Output:
	// deal lacks: [decision_maker payer] completeness: 0.3333
	// bring in as decision_maker: [li-na]
	// bring in as payer: [wang]
}

func ExampleCRM_Audit() {
	c := exampleCRM()
	ctx := crm.WithActor(context.Background(), "rep-zhang")
	_, _ = c.GiveConsent(ctx, "li-na", "marketing", "signed at visit", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	p, _ := c.FindByContact(ctx, crm.Mobile, "138 1234 5678")
	fmt.Println("may send offers:", p.MayContact("marketing", time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)))
	_, _ = c.Erase(crm.WithActor(context.Background(), "dpo"), "li-na")
	for e, err := range c.Audit(context.Background(), "li-na") {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-9s %-6s %s\n", e.Actor, e.Action, e.What)
	}
	// Output:
	// may send offers: true
	//           create AddPerson
	//           change StartJob
	// rep-zhang change GiveConsent
	// rep-zhang read   FindByContact
	// dpo       erase  Erase
}
