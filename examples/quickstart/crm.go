package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/b2bkit/b2bkit/crm"
)

// showCRM follows one key person (关键人) through a job change: the decision maker of a repurchasing
// restaurant leaves for a company the platform does not know yet. The old account loses its decision
// maker; the new one becomes a warm lead; she keeps one identity and is found by her old phone number.
func showCRM(w io.Writer, p platform) error {
	ctx := context.Background()
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	c := crm.New(p.crm, &crm.Options{Now: func() time.Time { return day(2026, 3, 1) }})

	if _, err := c.AddCompany(ctx, crm.Company{ID: "golden-wok-restaurant", Name: "金锅餐厅", City: "Hangzhou",
		Industry: "restaurant", Stage: crm.Repurchasing,
		Registration: crm.Registration{Scheme: crm.SchemeUSCC, Number: "91330100716105852F"}}); err != nil {
		return err
	}
	people := []struct {
		person crm.Person
		title  string
		roles  []crm.Role
	}{
		{crm.Person{ID: "li-na", Name: "李娜", Contacts: []crm.ContactPoint{{Kind: crm.Mobile, Value: "+86 138 1234 5678"}}}, "owner", []crm.Role{crm.DecisionMaker}},
		{crm.Person{ID: "chen-wei", Name: "陈伟"}, "head chef", []crm.Role{crm.User, crm.Influencer}},
		{crm.Person{ID: "wang-fang", Name: "王芳"}, "accountant", []crm.Role{crm.Payer}},
	}
	for _, p := range people {
		if _, err := c.AddPerson(ctx, p.person); err != nil {
			return err
		}
		if _, err := c.StartJob(ctx, crm.Job{Person: p.person.ID, Company: "golden-wok-restaurant", Title: p.title, Roles: p.roles, Start: day(2024, 1, 1)}); err != nil {
			return err
		}
	}
	printCommittee := func(label string, at time.Time) error {
		com, err := c.Committee(ctx, "golden-wok-restaurant", at)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s %s: complete %s, missing %v\n", label, at.Format(time.DateOnly), com.Completeness.StringFixed(2), com.Missing)
		for _, s := range com.Seats {
			fmt.Fprintf(w, "  %-15s %v\n", s.Role, s.Holders)
		}
		return nil
	}
	if err := printCommittee("committee of golden-wok-restaurant on", day(2026, 1, 1)); err != nil {
		return err
	}

	// She gets a new phone, then moves to a company the platform has never met.
	if _, err := c.ChangeContact(ctx, "li-na", crm.Mobile, "13987654321", day(2026, 2, 1)); err != nil {
		return err
	}
	jc, err := c.ChangeJob(ctx, "li-na", "jade-garden-hotel", "general manager", []crm.Role{crm.DecisionMaker, crm.Payer}, day(2026, 2, 15))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\njob change %s: %s leaves %s (%s)\n", jc.At.Format(time.DateOnly), jc.Person, jc.From, jc.Prior())
	fmt.Fprintf(w, "  lost at the old account: %v; required roles now uncovered: %v (incomplete: %v)\n", jc.LostRoles, jc.Uncovered, jc.LeftIncomplete)
	lead, err := c.Company(ctx, jc.To)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  warm lead: %s, stage %s, source %s via %s, new=%v\n", lead.ID, lead.Stage, lead.Source, lead.SourcePerson, jc.LeadCreated)
	if err := printCommittee("\ncommittee of golden-wok-restaurant on", day(2026, 3, 1)); err != nil {
		return err
	}

	li, err := c.FindByContact(ctx, crm.Mobile, "138-1234-5678")
	if err != nil {
		return err
	}
	hist, err := c.History(ctx, li.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nfound by her old number: %s\n", li)
	for _, s := range hist {
		end := "now"
		if !s.Current() {
			end = s.End.Format(time.DateOnly)
		}
		fmt.Fprintf(w, "  %s .. %-10s %-22s %-16s %v\n", s.Start.Format(time.DateOnly), end, s.Company, s.Title, s.Roles)
	}
	return nil
}
