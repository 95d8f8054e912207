package loyalty

// WithoutOwnership returns a with the flag that says whether its lot
// slice is a private copy cleared: a bookkeeping detail of how the
// account was built, not of the ledger, so that two accounts of the same
// ledger compare equal.
func WithoutOwnership(a Account) Account {
	a.lotsOwned = false
	return a
}
