package customer

// Opportunities returns the customer's history as of AsOf in whole
// periods of unit, the input of the BG/BB model of purchases at discrete
// opportunities (Fader, Hardie & Shang 2010): n is the number of whole
// periods from the first purchase day to AsOf, period k (1 ≤ k ≤ n)
// being the days first+L·(k−1)+1 … first+L·k with L = 1 for Days and 7
// for Weeks; x is the number of those periods with a purchase and tx the
// last of them (0 when x = 0). Purchases after period n, in the part of a
// period that AsOf cuts short, are not counted. ok is false without a
// purchase.
//
// In days it is the triple of [Summary.BTYD], in whole numbers: a day
// holds at most one transaction. In weeks it counts the weeks with a
// purchase, not the purchase days.
//
// It panics when unit is not Days or Weeks, as [Summary.BTYD] does.
func (s Summary) Opportunities(unit Period) (x, tx, n int, ok bool) {
	unit.mustBeValid("Opportunities")
	first, ok := s.FirstPurchase()
	if !ok {
		return 0, 0, 0, false
	}
	l := 1
	if unit == Weeks {
		l = 7
	}
	n = int(DateOf(s.AsOf)-first) / l
	last := 0
	for _, d := range s.Days {
		if d.Orders == 0 || d.Date <= first {
			continue
		}
		k := (int(d.Date-first) + l - 1) / l
		if k > n {
			break
		}
		if k != last {
			x++
			last = k
		}
	}
	return x, last, n, true
}
