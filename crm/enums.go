package crm

import (
	"fmt"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
)

// A Role is the part a person plays in a company's purchasing (R1: 多人决策). One person may hold
// several roles; a complete buying committee has someone in each required role.
type Role int

const (
	// User is the person who uses the goods every day (使用者): the chef, the line engineer.
	User Role = iota
	// DecisionMaker is the person who decides to buy and from whom (决策者): the owner, the manager.
	DecisionMaker
	// Payer is the person who approves and releases the money (买单者): finance, sometimes the owner's spouse.
	Payer
	// Influencer is a person whose opinion sways the decision without owning it: a consultant, a
	// trusted senior cook.
	Influencer
)

var roleWords = [...]string{User: "user", DecisionMaker: "decision_maker", Payer: "payer", Influencer: "influencer"}

// Roles returns every role, in order.
func Roles() []Role { return []Role{User, DecisionMaker, Payer, Influencer} }

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool { return r >= 0 && int(r) < len(roleWords) }

// String returns the role's word: user, decision_maker, payer or influencer.
func (r Role) String() string {
	if !r.Valid() {
		return fmt.Sprintf("Role(%d)", int(r))
	}
	return roleWords[r]
}

// MarshalText encodes the role as its word.
func (r Role) MarshalText() ([]byte, error) {
	if !r.Valid() {
		return nil, b2bkit.Invalid("role", "unknown role %d", int(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText decodes a role from its word.
func (r *Role) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(roleWords[:], b, "role")
	if err != nil {
		return err // the receiver keeps its value
	}
	*r = Role(v)
	return nil
}

// A Stage is where a company stands in the ground-sales funnel (R6): a target on the list, covered
// by a visit, converted by a first order, repurchasing, penetrated, or lost.
type Stage int

const (
	// Target is a company on the frozen target list that nobody has reached yet.
	Target Stage = iota
	// Covered is a company a rep has reached (覆盖).
	Covered
	// Converted is a company that placed its first order (转换).
	Converted
	// Repurchasing is a company that ordered again (复购).
	Repurchasing
	// Penetrating is a company whose share of wallet the service team is growing (渗透).
	Penetrating
	// Lost is a former customer that stopped buying.
	Lost
)

var stageWords = [...]string{Target: "target", Covered: "covered", Converted: "converted",
	Repurchasing: "repurchasing", Penetrating: "penetrating", Lost: "lost"}

// Valid reports whether s is one of the six stages.
func (s Stage) Valid() bool { return s >= 0 && int(s) < len(stageWords) }

// IsCustomer reports whether a company at this stage has bought: converted, repurchasing or penetrating.
func (s Stage) IsCustomer() bool { return s == Converted || s == Repurchasing || s == Penetrating }

// String returns the stage's word.
func (s Stage) String() string {
	if !s.Valid() {
		return fmt.Sprintf("Stage(%d)", int(s))
	}
	return stageWords[s]
}

// MarshalText encodes the stage as its word.
func (s Stage) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, b2bkit.Invalid("stage", "unknown stage %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a stage from its word.
func (s *Stage) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(stageWords[:], b, "stage")
	if err != nil {
		return err // the receiver keeps its value
	}
	*s = Stage(v)
	return nil
}

// A Source says how a company came into the CRM.
type Source int

const (
	// SourceHost means the host created the company: a target list, an import, a sign-up.
	SourceHost Source = iota
	// SourceFollowedKeyPerson means a key person moved there from another account (R3): a warm lead.
	SourceFollowedKeyPerson
)

var sourceWords = [...]string{SourceHost: "host", SourceFollowedKeyPerson: "followed_key_person"}

// String returns the source's word: host or followed_key_person.
func (s Source) String() string {
	if s < 0 || int(s) >= len(sourceWords) {
		return fmt.Sprintf("Source(%d)", int(s))
	}
	return sourceWords[s]
}

// MarshalText encodes the source as its word.
func (s Source) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(sourceWords) {
		return nil, b2bkit.Invalid("source", "unknown source %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a source from its word.
func (s *Source) UnmarshalText(b []byte) error {
	v, err := wire.ParseWord(sourceWords[:], b, "source")
	if err != nil {
		return err // the receiver keeps its value
	}
	*s = Source(v)
	return nil
}

// validRoles checks a role list: known roles, no repeats.
func validRoles(field string, roles []Role) error {
	var seen [len(roleWords)]bool
	for i, r := range roles {
		if !r.Valid() {
			return b2bkit.Invalid(fmt.Sprintf("%s[%d]", field, i), "unknown role %d", int(r))
		}
		if seen[r] {
			return b2bkit.Invalid(fmt.Sprintf("%s[%d]", field, i), "role %s repeated", r)
		}
		seen[r] = true
	}
	return nil
}
