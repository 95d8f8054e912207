package customer

import (
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/internal/enumtext"
)

// Relation is how a household [Member] is related to the customer
// (domain rules §1: family members buying for each other).
type Relation uint8

const (
	// Partner: spouse or partner.
	Partner Relation = iota + 1
	// Child: son or daughter.
	Child
	// Parent: father or mother.
	Parent
	// Sibling: brother or sister.
	Sibling
	// OtherRelative: any other person the customer buys for.
	OtherRelative
)

var relationNames = []string{"", "partner", "child", "parent", "sibling", "other"}

// ParseRelation parses "partner", "child", "parent", "sibling" or "other".
func ParseRelation(s string) (Relation, error) {
	return enumtext.Parse[Relation](s, relationNames, "relation")
}

// String returns the relation's name.
func (r Relation) String() string { return enumtext.String(r, relationNames, "Relation") }

// Valid reports whether r is a defined relation.
func (r Relation) Valid() bool { return enumtext.Valid(r, relationNames) }

// MarshalText implements [encoding.TextMarshaler].
func (r Relation) MarshalText() ([]byte, error) {
	return enumtext.Marshal(r, relationNames, "relation")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (r *Relation) UnmarshalText(b []byte) error { return enumtext.Unmarshal(r, b, ParseRelation) }

// Member is a person of a customer's household whom the customer buys
// for (domain rules §1, seed 004: "the whole family bought one each,
// dad's was a bit small"). An order line names the member it was bought
// for by ID ([Line].Member).
//
// Name, Birthday and the body measurements of the Profile (sizes and
// height) are personal data: they are redacted in String, %v and slog output, and [Customer.Anonymize] erases
// the whole household. As for [Customer.LogValue], slog resolves a
// member only where it is an attribute's value: a []Member logged as one
// attribute reaches slog.JSONHandler's encoding/json field by field,
// personal data included (the text handler formats it with fmt, which
// redacts). Log each member as an attribute of its own, or their IDs.
type Member struct {
	// ID is unique within the customer's household: a short label of the
	// caller's choice ("dad", "M-2"), neither empty nor blank.
	ID string
	// Relation is how the member is related to the customer; required.
	Relation Relation
	Name     string   // personal data; optional
	Birthday Birthday // personal data; zero when unknown
	// Profile is the member's own clothing profile, checked by the rules
	// of the customer's ([Customer.Validate]).
	Profile Profile
}

// Equal reports whether m and n have the same content, profiles compared
// by [Profile.Equal].
func (m Member) Equal(n Member) bool {
	return m.ID == n.ID && m.Relation == n.Relation && m.Name == n.Name &&
		m.Birthday == n.Birthday && m.Profile.Equal(n.Profile)
}

// clone returns a copy of m whose profile shares no memory with m's.
func (m Member) clone() Member {
	m.Profile = m.Profile.clone()
	return m
}

// hasPersonalData reports whether a personal field of m is set.
func (m Member) hasPersonalData() bool {
	return m.Name != "" || !m.Birthday.IsZero() || m.Profile.hasPersonalData()
}

// String returns m without its personal data, as in
//
//	member "dad" (parent, personal data redacted)
//
// Name, birthday, sizes and body height never appear.
func (m Member) String() string {
	s := "member " + strconv.Quote(m.ID) + " (" + m.Relation.String()
	if m.hasPersonalData() {
		s += ", personal data redacted"
	}
	return s + ")"
}

// Format prints [Member.String] for every verb (%q quotes it), so that no
// fmt verb shows personal data.
func (m Member) Format(f fmt.State, verb rune) { formatRedacted(f, verb, m.String()) }

// LogValue implements [slog.LogValuer]: the ID, the relation, the sizing
// profile as [Profile.LogValue] gives it (no size or height), and "personal_data": "[redacted]" when a
// personal field is set.
func (m Member) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("id", m.ID),
		slog.String("relation", m.Relation.String()),
		slog.Any("profile", m.Profile),
	}
	if m.hasPersonalData() {
		attrs = append(attrs, slog.String("personal_data", Redacted))
	}
	return slog.GroupValue(attrs...)
}

// Member returns the member of c's household with id, and whether there
// is one.
func (c Customer) Member(id string) (Member, bool) {
	for _, m := range c.Household {
		if m.ID == id {
			return m, true
		}
	}
	return Member{}, false
}

// memberField returns "household[i].name". It is called only on the error
// path.
func memberField(i int, name string) string {
	return "household[" + strconv.Itoa(i) + "]." + name
}

// checkHousehold reports, for each member of h, a blank or duplicate ID,
// a missing or unknown relation, a bad birthday (as the customer's) and a
// bad profile (as the customer's). Duplicate IDs are found by a linear
// scan up to smallOrder members and by a map beyond, as duplicate line
// IDs of an order are, so that a large household is checked in linear
// time.
func checkHousehold(p *problems, h []Member, now time.Time) {
	var seen map[string]int
	if len(h) > smallOrder {
		seen = make(map[string]int, len(h))
	}
	for i := range h {
		m := &h[i]
		if checkID(p, memberField(i, "id"), m.ID) {
			j, dup := -1, false
			if seen != nil {
				if j, dup = seen[m.ID]; !dup {
					seen[m.ID] = i
				}
			} else {
				for k := range i {
					if h[k].ID == m.ID {
						j, dup = k, true
						break
					}
				}
			}
			if dup {
				p.add(memberField(i, "id"), CodeDuplicate, fmt.Sprintf("member ID %q is also household[%d]", m.ID, j))
			}
		}
		switch {
		case m.Relation == 0:
			p.add(memberField(i, "relation"), CodeRequired, "a member needs a relation (partner, child, parent, sibling, other)")
		case !m.Relation.Valid():
			p.add(memberField(i, "relation"), CodeUnknown, fmt.Sprintf("unknown relation %d", uint8(m.Relation)))
		}
		checkBirthdayField(p, memberField(i, "birthday"), m.Birthday, now)
		m.Profile.checkAt(p, memberField(i, "profile."))
	}
}

// MemberPurchases are the purchases a [Summary] counts for one household
// member: the order lines whose Member is the member's ID, and the units
// of those lines that came back. They support a size and fit analysis per
// person ("returned for size/fit, bought for dad"): the member's share of
// units returned for size or fit is SizeFitUnits ÷ Units.
//
// The customer's own purchases (lines with no Member) have no entry: they
// are the summary's totals less those of its members.
type MemberPurchases struct {
	// Member is the member's ID, as on the lines.
	Member string
	// Units are the units bought for the member.
	Units int
	// ReturnedUnits are the units of those lines brought back, refunded
	// or exchanged (counted as [Summary].ReturnedUnits counts them).
	ReturnedUnits int
	// SizeFitUnits are the units of ReturnedUnits brought back for
	// [SizeFit]: the wrong size or fit.
	SizeFitUnits int
}

// SizeFitRate returns SizeFitUnits ÷ Units, the share of the units bought
// for the member that came back because of size or fit, clamped to
// [0, 1] (an exchanged unit whose replacement came back again counts
// twice); zero when no unit was bought.
func (m MemberPurchases) SizeFitRate() float64 {
	if m.Units <= 0 {
		return 0
	}
	return min(float64(m.SizeFitUnits)/float64(m.Units), 1)
}

// MemberPurchases returns the purchases s counts for the household member
// with id, and whether it counts any.
func (s Summary) MemberPurchases(id string) (MemberPurchases, bool) {
	if i, ok := s.memberIndex(id); ok {
		return s.Members[i], true
	}
	return MemberPurchases{}, false
}

// memberIndex returns the index of member id in s.Members (sorted by
// ID), or where it would be inserted, and whether it is there.
func (s *Summary) memberIndex(id string) (int, bool) {
	return slices.BinarySearchFunc(s.Members, id, func(m MemberPurchases, id string) int {
		return strings.Compare(m.Member, id)
	})
}

// member returns the entry of member id, inserting an empty one when s
// has none.
func (s *Summary) member(id string) *MemberPurchases {
	i, ok := s.memberIndex(id)
	if !ok {
		s.Members = slices.Insert(s.Members, i, MemberPurchases{Member: id})
	}
	return &s.Members[i]
}

// addMemberReturn adds the units of r, a valid return of o, that came
// back from lines naming a member.
func (s *Summary) addMemberReturn(r *Return, o *Order) {
	for _, rl := range r.Lines {
		l := &o.Lines[o.lineIndex(rl.LineID)]
		if l.Member == "" {
			continue
		}
		m := s.member(l.Member)
		m.ReturnedUnits -= rl.Quantity
		if r.Reason == SizeFit {
			m.SizeFitUnits -= rl.Quantity
		}
	}
}

// hasMemberLine reports whether a line of o names a member.
func (o *Order) hasMemberLine() bool {
	for j := range o.Lines {
		if o.Lines[j].Member != "" {
			return true
		}
	}
	return false
}

// mergeMembers returns the entries of a and b, both sorted by member,
// with those of one member added up. The summaries' merged totals bound
// the sums, so they cannot overflow.
func mergeMembers(a, b []MemberPurchases) []MemberPurchases {
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	out := make([]MemberPurchases, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].Member < b[j].Member):
			out = append(out, a[i])
			i++
		case i == len(a) || b[j].Member < a[i].Member:
			out = append(out, b[j])
			j++
		default:
			out = append(out, MemberPurchases{Member: a[i].Member, Units: a[i].Units + b[j].Units,
				ReturnedUnits: a[i].ReturnedUnits + b[j].ReturnedUnits,
				SizeFitUnits:  a[i].SizeFitUnits + b[j].SizeFitUnits})
			i++
			j++
		}
	}
	return out
}
