package risk

import (
	"encoding/json"
	"iter"
	"maps"
	"math/bits"
	"slices"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/internal/wire"
	"github.com/b2bkit/b2bkit/internal/xerr"
)

// Values are a buyer's feature values by feature, as a map from Feature to Value would hold them,
// with the features of this package kept in place by position: a compiled scorecard finds its
// attributes' values there by the positions it resolved once, without hashing a name per attribute.
// Every read and write goes through the methods, so what a scorecard reads is always what was set
// last. A host's own features are kept by name beside them.
//
// Like a map, a Values is a reference: a copy shares the values with the original (Clone makes a
// separate one). The zero Values is empty and ready to use; it is not safe for concurrent writes.
// It reads and writes JSON as an object of values by feature, as a map would.
type Values struct {
	t *valueTable
}

// valueTable is what a Values refers to.
type valueTable struct {
	known [featKnownCount]Value // by featPos
	has   uint32                // bit i: known[i] is set
	other map[Feature]Value     // features not of this package
}

// ValuesOf is a Values holding the values of m.
func ValuesOf(m map[Feature]Value) Values {
	var v Values
	for f, x := range m {
		v.Set(f, x)
	}
	if v.t == nil {
		v.t = &valueTable{} // empty but not zero, as an empty map is not nil
	}
	return v
}

// Set sets the value of f. Like a write to a nil map, Set on a nil *Values panics.
func (v *Values) Set(f Feature, x Value) {
	if v.t == nil {
		v.t = &valueTable{}
	}
	if i := featPos(f); i >= 0 {
		v.t.known[i], v.t.has = x, v.t.has|1<<i
		return
	}
	if v.t.other == nil {
		v.t.other = make(map[Feature]Value)
	}
	v.t.other[f] = x
}

// Get returns the value of f and whether there is one (a missing value is still had).
func (v Values) Get(f Feature) (Value, bool) {
	i := featPos(f)
	if i < 0 {
		return v.other(f)
	}
	if p := v.known(i); p != nil {
		return *p, true
	}
	return Value{}, false
}

// known is the value of this package's feature at position i, or nil when it has none; i < 0 has
// none. The value is the one held: a reader must not change it.
func (v Values) known(i int) *Value {
	if v.t == nil || i < 0 || v.t.has&(1<<i) == 0 {
		return nil
	}
	return &v.t.known[i]
}

// other is the value of a feature not of this package, and whether there is one.
func (v Values) other(f Feature) (Value, bool) {
	if v.t == nil {
		return Value{}, false
	}
	x, ok := v.t.other[f]
	return x, ok
}

// Delete removes the value of f, if any; on a nil *Values it does nothing, as delete on a nil map.
func (v *Values) Delete(f Feature) {
	switch i := featPos(f); {
	case v == nil || v.t == nil:
	case i >= 0:
		v.t.known[i], v.t.has = Value{}, v.t.has&^(1<<i)
	default:
		delete(v.t.other, f)
	}
}

// Len is the number of features that have a value.
func (v Values) Len() int {
	if v.t == nil {
		return 0
	}
	return bits.OnesCount32(v.t.has) + len(v.t.other)
}

// All yields every feature that has a value with its value: this package's features in the order
// of their declaration, then a host's own in the order of their names.
func (v Values) All() iter.Seq2[Feature, Value] {
	return func(yield func(Feature, Value) bool) {
		if v.t == nil {
			return
		}
		for i, f := range featKnown() {
			if v.t.has&(1<<i) != 0 && !yield(f, v.t.known[i]) {
				return
			}
		}
		for _, f := range slices.Sorted(maps.Keys(v.t.other)) {
			if x, ok := v.t.other[f]; ok && !yield(f, x) {
				return
			}
		}
	}
}

// Clone is a Values holding the same values that shares nothing with v.
func (v Values) Clone() Values {
	if v.t == nil {
		return Values{}
	}
	t := *v.t
	t.other = maps.Clone(v.t.other)
	return Values{t: &t}
}

// MarshalJSON writes the values as a JSON object by feature, as a map of them; null when v is the
// zero Values.
func (v Values) MarshalJSON() ([]byte, error) {
	if v.t == nil {
		return []byte("null"), nil
	}
	for f, x := range v.All() { // named here, where the feature is known
		if _, ok := valueNumber(x.Number); !ok {
			return nil, b2bkit.Invalid(string(f)+".number", "must be written with an exponent within ±%d, not %s", valueMaxExponent, xerr.EchoDecimal(x.Number))
		}
	}
	return json.Marshal(maps.Collect(v.All()))
}

// UnmarshalJSON reads a JSON object of values by feature, replacing v's values; null empties v. A
// feature given twice is an error matching b2bkit.ErrInvalid (plain JSON would keep the last).
//
// A nil *Values has nowhere to write: an error matching b2bkit.ErrInvalid.
func (v *Values) UnmarshalJSON(data []byte) error {
	if v == nil {
		return b2bkit.Invalid("values", "must not be nil")
	}
	var m valuesIn
	if err := wire.DecodeStrict(data, &m); err != nil {
		return err
	}
	x, err := m.values()
	if err != nil {
		return err
	}
	*v = x
	return nil
}

// valuesIn is Values as read, each value in its plain shape (see valueIn).
type valuesIn map[Feature]valueIn

// values is the Values m holds: none for nil. Of values that cannot be read, the error names the
// first by feature, as reading them one at a time named it.
func (m valuesIn) values() (Values, error) {
	if m == nil {
		return Values{}, nil
	}
	v := Values{t: &valueTable{}} // empty but not zero, as ValuesOf makes it
	var bad Feature
	var badErr error
	for f, w := range m {
		x, err := w.value()
		switch {
		case err == nil:
			v.Set(f, x)
		case badErr == nil || f < bad:
			bad, badErr = f, err
		}
	}
	if badErr != nil {
		return Values{}, b2bkit.InField(xerr.Echo(string(bad)), badErr) // a hostile name is named by its start
	}
	return v, nil
}

// featKnownCount is the number of features this package computes.
const featKnownCount = 23

// featKnown is the features this package computes, in the order of their declaration: the
// positions Values keeps them at.
func featKnown() [featKnownCount]Feature {
	return [...]Feature{TenureMonths, AvgMonthlyValue3, AvgMonthlyValue6, AvgMonthlyValue12, Trend, Volatility,
		OnTimeRate, DaysPastDue, WorstDaysPastDue12, DaysLate3, DaysLatePrior9, OverdueCurrent, Overdue1to29,
		Overdue30to59, Overdue60to89, Overdue90Plus, DisputeRate, Sellers, SellerConcentration, Penetration,
		PenetrationPrior, KeyPersonLost, UsualCreditDays}
}

// featPos is f's position in featKnown, or -1 when f is not one of this package's features.
func featPos(f Feature) int {
	switch f {
	case TenureMonths:
		return 0
	case AvgMonthlyValue3:
		return 1
	case AvgMonthlyValue6:
		return 2
	case AvgMonthlyValue12:
		return 3
	case Trend:
		return 4
	case Volatility:
		return 5
	case OnTimeRate:
		return 6
	case DaysPastDue:
		return 7
	case WorstDaysPastDue12:
		return 8
	case DaysLate3:
		return 9
	case DaysLatePrior9:
		return 10
	case OverdueCurrent:
		return 11
	case Overdue1to29:
		return 12
	case Overdue30to59:
		return 13
	case Overdue60to89:
		return 14
	case Overdue90Plus:
		return 15
	case DisputeRate:
		return 16
	case Sellers:
		return 17
	case SellerConcentration:
		return 18
	case Penetration:
		return 19
	case PenetrationPrior:
		return 20
	case KeyPersonLost:
		return 21
	case UsualCreditDays:
		return 22
	}
	return -1
}
