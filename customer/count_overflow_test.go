package customer

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every count of a summary refuses to wrap: a record that would take
// Orders, Later, Returns, Exchanges or Interactions past math.MaxInt (a
// summary loaded from storage can hold any count) is an error matching
// ErrOverflow, naming the count, and the summary is unchanged.
func TestSummaryCountsNeverWrap(t *testing.T) {
	later := vNow.Add(time.Hour)
	o2 := validOrder()
	o2.ID = "O-2"
	laterOrder := o2
	laterOrder.Time = later
	exchange := validReturn()
	exchange.Kind = Exchange
	laterReturn := validReturn()
	laterReturn.Time = later
	comp := Credit{ID: "K-1", CustomerID: "C-1", Time: vNow, Kind: Compensation, Amount: eur("5")}
	laterComp := comp
	laterComp.Time = later
	visit := Interaction{CustomerID: "C-1", Time: vNow, Kind: StoreVisit}
	laterVisit := visit
	laterVisit.Time = later
	tests := []struct {
		name  string
		full  func(s *Summary)
		count string
		add   func(s *Summary) error
	}{
		{"order", func(s *Summary) { s.Orders = math.MaxInt }, "orders", func(s *Summary) error { return s.AddOrder(o2) }},
		{"sale opening an order", func(s *Summary) { s.Orders = math.MaxInt }, "orders", func(s *Summary) error {
			return s.AddSale(Sale{Time: vNow, NewOrder: true, Amount: eur("10"), Units: 1})
		}},
		{"later order", func(s *Summary) { s.Later = math.MaxInt }, "later", func(s *Summary) error { return s.AddOrder(laterOrder) }},
		{"later return", func(s *Summary) { s.Later = math.MaxInt }, "later", func(s *Summary) error { return s.AddReturn(laterReturn, validOrder()) }},
		{"later credit", func(s *Summary) { s.Later = math.MaxInt }, "later", func(s *Summary) error { return s.AddCredit(laterComp) }},
		{"later interaction", func(s *Summary) { s.Later = math.MaxInt }, "later", func(s *Summary) error { return s.AddInteraction(laterVisit) }},
		{"later sale", func(s *Summary) { s.Later = math.MaxInt }, "later", func(s *Summary) error {
			return s.AddSale(Sale{Time: later, Amount: eur("10"), Units: 1})
		}},
		{"later refund", func(s *Summary) { s.Later = math.MaxInt }, "later", func(s *Summary) error { return s.AddRefund(later, eur("10"), 1) }},
		{"return", func(s *Summary) { s.Returns = math.MaxInt }, "returns", func(s *Summary) error { return s.AddReturn(validReturn(), validOrder()) }},
		{"refund", func(s *Summary) { s.Returns = math.MaxInt }, "returns", func(s *Summary) error { return s.AddRefund(vNow, eur("10"), 1) }},
		{"refund row", func(s *Summary) { s.Returns = math.MaxInt }, "returns", func(s *Summary) error {
			return s.AddSale(Sale{Time: vNow, Amount: eur("-10"), Units: -1})
		}},
		{"units back without money", func(s *Summary) { s.Returns = math.MaxInt }, "returns", func(s *Summary) error {
			return s.AddSale(Sale{Time: vNow, Amount: Zero("EUR"), Units: -1})
		}},
		{"exchange", func(s *Summary) { s.Exchanges = math.MaxInt }, "exchanges", func(s *Summary) error { return s.AddReturn(exchange, validOrder()) }},
		{"exchanged units", func(s *Summary) { s.ExchangedUnits = math.MaxInt }, "exchanged units", func(s *Summary) error { return s.AddReturn(exchange, validOrder()) }},
		{"interaction", func(s *Summary) { s.Interactions = math.MaxInt }, "interactions", func(s *Summary) error { return s.AddInteraction(visit) }},
		{"credit", func(s *Summary) { s.Credits = math.MaxInt }, "credits", func(s *Summary) error { return s.AddCredit(comp) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSummary("C-1", Consumer, vNow, nil)
			require.NoError(t, s.AddOrder(validOrder()))
			tc.full(s)
			err := requireRejected(t, s, func() error { return tc.add(s) })
			require.ErrorIs(t, err, ErrOverflow)
			assert.Contains(t, err.Error(), ": "+tc.count+": ")
			assert.Contains(t, err.Error(), `of customer "C-1"`)
		})
	}
}
