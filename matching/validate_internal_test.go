package matching

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/b2bkit/b2bkit"
)

// TestMatchPlainlyValidIsValidate: the fast path Append takes, plainlyValid, says yes exactly when
// validate finds nothing wrong, for matches with up to three fields set to values at and beyond
// every bound validate checks; and Validate reports what validate reports, word for word.
func TestMatchPlainlyValidIsValidate(t *testing.T) {
	zone := time.FixedZone("UTC+14", 14*3600)
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, zone)
	good := Match{ID: "M-1", Buyer: "B-1", Seller: "S-1", SKU: "RICE-25KG", Quantity: decimal.RequireFromString("2.5"),
		UnitPrice: decimal.RequireFromString("110.30"), Currency: "CNY",
		Terms: b2bkit.Terms{Payment: b2bkit.DepositBalance(decimal.RequireFromString("0.30"), 30), OrderedAt: at, DeliverBy: at.AddDate(0, 0, 3)},
		At:    at, Status: Accepted, Subsidy: decimal.Zero, Mode: SelfOperated, Channel: b2bkit.FullAuto}
	require.True(t, good.plainlyValid())
	require.NoError(t, good.Validate())

	names := []string{"", "x", strings.Repeat("x", MaxIDLen), strings.Repeat("x", MaxIDLen+1), "B-1", "S-1"}
	amounts := []decimal.Decimal{{}, decimal.Zero, decimal.New(0, -30), decimal.New(-1, 0), decimal.New(1, 0),
		decimal.New(1, -b2bkit.MaxDecimalPlaces), decimal.New(1, -b2bkit.MaxDecimalPlaces-1),
		decimal.New(1, MaxDigits), decimal.New(1, MaxDigits+1), decimal.New(-1, -b2bkit.MaxDecimalPlaces-1),
		decimal.RequireFromString(strings.Repeat("9", MaxDigits)), decimal.RequireFromString(strings.Repeat("9", MaxDigits+1)),
		decimal.RequireFromString("-" + strings.Repeat("9", MaxDigits+1)), decimal.RequireFromString("0." + strings.Repeat("9", 19)),
		decimal.RequireFromString("999999999999999999"), decimal.RequireFromString("9999999999999999999"),
		decimal.RequireFromString("-9223372036854775808"), decimal.RequireFromString("18446744073709551616"),
		decimal.New(1, -b2bkit.MaxDecimalPlaces).Mul(decimal.RequireFromString(strings.Repeat("9", MaxDigits))),
		decimal.New(1, -b2bkit.MaxDecimalPlaces).Mul(decimal.RequireFromString("1" + strings.Repeat("0", MaxDigits))),
		decimal.New(1, MaxDigits).Mul(decimal.RequireFromString(strings.Repeat("9", MaxDigits))),
		decimal.New(1, MaxDigits).Mul(decimal.RequireFromString("1" + strings.Repeat("0", MaxDigits)))}
	times := []time.Time{{}, at, time.Date(1899, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1900, 1, 1, 0, 0, 0, 0, zone), time.Date(2199, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2199, 12, 31, 23, 0, 0, 0, time.FixedZone("W", -3600)),
		at.AddDate(0, 0, 2), at.AddDate(20, 0, 0), time.Unix(0, 0)}
	currencies := []string{"CNY", "cny", "CN", "CNYY", "", "C1Y"}
	pays := []b2bkit.PaymentTerms{{}, b2bkit.Net(30), b2bkit.Net(-1), b2bkit.DepositBalance(decimal.RequireFromString("0.3"), 60),
		b2bkit.DepositBalance(decimal.RequireFromString("1.3"), 60), {Installments: []b2bkit.Installment{{Share: decimal.RequireFromString("0.5")}}}}
	mutations := []func(m *Match, r *rand.Rand){
		func(m *Match, r *rand.Rand) { m.ID = names[r.IntN(len(names))] },
		func(m *Match, r *rand.Rand) { m.Buyer = b2bkit.CompanyID(names[r.IntN(len(names))]) },
		func(m *Match, r *rand.Rand) { m.Seller = b2bkit.CompanyID(names[r.IntN(len(names))]) },
		func(m *Match, r *rand.Rand) { m.SKU = b2bkit.SKU(names[r.IntN(len(names))]) },
		func(m *Match, r *rand.Rand) { m.Quantity = amounts[r.IntN(len(amounts))] },
		func(m *Match, r *rand.Rand) { m.UnitPrice = amounts[r.IntN(len(amounts))] },
		func(m *Match, r *rand.Rand) { m.Subsidy = amounts[r.IntN(len(amounts))] },
		func(m *Match, r *rand.Rand) { m.Currency = currencies[r.IntN(len(currencies))] },
		func(m *Match, r *rand.Rand) { m.At = times[r.IntN(len(times))] },
		func(m *Match, r *rand.Rand) { m.Terms.OrderedAt = times[r.IntN(len(times))] },
		func(m *Match, r *rand.Rand) { m.Terms.DeliverBy = times[r.IntN(len(times))] },
		func(m *Match, r *rand.Rand) { m.Terms.Payment = pays[r.IntN(len(pays))] },
		func(m *Match, r *rand.Rand) { m.Status = Status(r.IntN(6)) },
		func(m *Match, r *rand.Rand) { m.Mode = Mode(r.IntN(4)) },
		func(m *Match, r *rand.Rand) { m.Channel = b2bkit.Channel(r.IntN(6) - 1) },
	}
	r := rand.New(rand.NewPCG(12, 10))
	valid := 0
	for range 40_000 {
		m := good
		for range 1 + r.IntN(3) {
			mutations[r.IntN(len(mutations))](&m, r)
		}
		m.canonicalize() // as every entry point has it: Validate, Append, Record and the projection
		err := m.validate(nil)
		require.Equal(t, err == nil, m.plainlyValid(), "%+v: %v", m, err)
		if err == nil {
			valid++
			require.NoError(t, m.Validate())
			continue
		}
		require.ErrorIs(t, m.Validate(), b2bkit.ErrInvalid)
		require.EqualError(t, m.Validate(), err.Error())
	}
	require.Greater(t, valid, 1000, "the mutations leave enough matches valid to test the yes")
}
