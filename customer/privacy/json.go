package privacy

import (
	"encoding/json"

	"github.com/tailorcrm/tailor/loyalty"
)

// loyaltyDoc is the JSON form of [Loyalty]: the account with its balance
// and open lots, which are methods of [loyalty.Account] and so not in its
// own JSON form, and the entries.
type loyaltyDoc struct {
	Account loyalty.Account `json:"account"`
	Balance loyalty.Points  `json:"balance"`
	Lots    []loyalty.Lot   `json:"lots"`
	Entries []entryDoc      `json:"entries"`
}

// entryDoc is a [loyalty.Entry] in its own JSON form, every field by its
// Go name, but for Bonus: [loyalty.BonusKind] encodes only a defined kind,
// and every entry but a bonus has none. Bonus is the kind's name, absent
// when there is none. Embedding keeps a field added to Entry in the
// export without a change here.
type entryDoc struct {
	loyalty.Entry
	Bonus string `json:"Bonus,omitempty"`
}

// MarshalJSON encodes the ledger as
//
//	{"account": {...}, "balance": 120, "lots": [...], "entries": [...]}
//
// with the account and the entries in the JSON forms of package loyalty
// (times in RFC 3339, amounts as decimal strings, kinds by name), the net
// balance ([loyalty.Account.Balance]) and the open lots
// ([loyalty.Account.Lots]).
func (l Loyalty) MarshalJSON() ([]byte, error) {
	d := loyaltyDoc{
		Account: l.Account,
		Balance: l.Account.Balance(),
		Lots:    l.Account.Lots(),
		Entries: make([]entryDoc, len(l.Entries)),
	}
	for i, e := range l.Entries {
		d.Entries[i].Entry = e
		if e.Bonus != 0 {
			d.Entries[i].Bonus = e.Bonus.String()
		}
	}
	return json.Marshal(d)
}
