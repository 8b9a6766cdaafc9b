package pricing_test

import (
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/stretchr/testify/require"
)

func TestR11_LargerQuantityCostsLessPerUnit(t *testing.T) {
	e := restaurantEngine(t)
	small := quote(t, e, request("RICE-25KG", "100"))
	large := quote(t, e, request("RICE-25KG", "10000"))
	requireLess(t, large.UnitPrice, small.UnitPrice)
}

func TestR11_DepositAndCreditCostMoreThanCashOnDeliveryPrepaidLess(t *testing.T) {
	e := restaurantEngine(t)
	cod := quote(t, e, request("OIL-20L", "50"))

	credit := request("OIL-20L", "50")
	credit.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 60)
	onCredit := quote(t, e, credit)

	pre := request("OIL-20L", "50")
	pre.Terms.Payment = b2bkit.Prepaid()
	prepaid := quote(t, e, pre)

	requireLess(t, cod.UnitPrice, onCredit.UnitPrice, "30/70 net 60 costs more than cash on delivery")
	requireLess(t, prepaid.UnitPrice, cod.UnitPrice, "prepaid costs less than cash on delivery")
}

func TestR11_DeliveryTomorrowCostsMoreThanIn60Days(t *testing.T) {
	e := restaurantEngine(t)
	rush := request("OIL-20L", "50")
	rush.Terms.DeliverBy = orderDay.AddDate(0, 0, 1)
	ahead := request("OIL-20L", "50")
	ahead.Terms.DeliverBy = orderDay.AddDate(0, 0, 60)
	requireLess(t, quote(t, e, ahead).UnitPrice, quote(t, e, rush).UnitPrice)
}

func TestQuote_ExplainSmoke(t *testing.T) {
	e := restaurantEngine(t)
	r := request("RICE-25KG", "200")
	r.Buyer, r.Tier = "golden-dragon", "gold"
	r.Terms.Payment = b2bkit.DepositBalance(dec("0.3"), 60)
	q := quote(t, e, r)
	t.Log("\n" + q.Explain())
	require.NotEmpty(t, q.Explain())
}

func TestQuote_TotalIsRoundedUnitPriceTimesQuantity(t *testing.T) {
	e := restaurantEngine(t)
	q := quote(t, e, request("SALT-1KG", "333"))
	requireDecEqual(t, q.UnitPrice.Mul(dec("333")).Round(2), q.Total)
}
