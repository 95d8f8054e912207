package customer

import "github.com/tailorcrm/tailor/internal/enumtext"

// Kind says whether a customer buys to use or to resell (domain rules §1: end
// customers and intermediate customers have different value models).
type Kind uint8

const (
	// Consumer is an end customer, a shopper.
	Consumer Kind = iota + 1
	// Intermediary buys to resell: a dealer, franchisee, wholesaler or
	// agent (see [Role]).
	Intermediary
)

var kindNames = []string{"", "consumer", "intermediary"}

// ParseKind parses "consumer" or "intermediary". The roles of an
// intermediary ("dealer", "franchisee", "wholesaler", "agent") also parse
// as [Intermediary].
func ParseKind(s string) (Kind, error) {
	if _, err := ParseRole(s); err == nil {
		return Intermediary, nil
	}
	return enumtext.Parse[Kind](s, kindNames, "customer kind")
}

// String returns "consumer" or "intermediary".
func (k Kind) String() string { return enumtext.String(k, kindNames, "Kind") }

// Valid reports whether k is a defined kind.
func (k Kind) Valid() bool { return enumtext.Valid(k, kindNames) }

// MarshalText implements [encoding.TextMarshaler].
func (k Kind) MarshalText() ([]byte, error) { return enumtext.Marshal(k, kindNames, "customer kind") }

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (k *Kind) UnmarshalText(b []byte) error { return enumtext.Unmarshal(k, b, ParseKind) }

// Role is the trade role of an [Intermediary].
type Role uint8

const (
	// Dealer resells the brand in its own shops.
	Dealer Role = iota + 1
	// Franchisee runs branded shops under a franchise contract.
	Franchisee
	// Wholesaler buys in bulk to sell on to retailers.
	Wholesaler
	// Agent sells on commission.
	Agent
)

var roleNames = []string{"", "dealer", "franchisee", "wholesaler", "agent"}

// ParseRole parses "dealer", "franchisee", "wholesaler" or "agent".
func ParseRole(s string) (Role, error) {
	return enumtext.Parse[Role](s, roleNames, "intermediary role")
}

// String returns the role's name.
func (r Role) String() string { return enumtext.String(r, roleNames, "Role") }

// Valid reports whether r is a defined role.
func (r Role) Valid() bool { return enumtext.Valid(r, roleNames) }

// MarshalText implements [encoding.TextMarshaler]. The zero Role (a
// consumer has none) encodes as the empty string.
func (r Role) MarshalText() ([]byte, error) {
	return enumtext.MarshalOptional(r, roleNames, "intermediary role")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; the empty string
// decodes as the zero Role.
func (r *Role) UnmarshalText(b []byte) error {
	v, err := enumtext.ParseOptional[Role](string(b), roleNames, "intermediary role")
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Channel is where an order was placed (domain rules §1).
type Channel uint8

const (
	// Store is a physical shop.
	Store Channel = iota + 1
	// Online is the brand's web or app shop.
	Online
	// Social is a social-media or live-stream shop.
	Social
	// Wholesale is a bulk order from an intermediary.
	Wholesale
)

var channelNames = []string{"", "store", "online", "social", "wholesale"}

// ParseChannel parses "store", "online", "social" or "wholesale".
func ParseChannel(s string) (Channel, error) {
	return enumtext.Parse[Channel](s, channelNames, "channel")
}

// String returns the channel's name.
func (c Channel) String() string { return enumtext.String(c, channelNames, "Channel") }

// Valid reports whether c is a defined channel.
func (c Channel) Valid() bool { return enumtext.Valid(c, channelNames) }

// MarshalText implements [encoding.TextMarshaler].
func (c Channel) MarshalText() ([]byte, error) { return enumtext.Marshal(c, channelNames, "channel") }

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (c *Channel) UnmarshalText(b []byte) error { return enumtext.Unmarshal(c, b, ParseChannel) }

// ReturnReason is why goods came back.
type ReturnReason uint8

const (
	// SizeFit: the size or fit was wrong, the most common reason in
	// clothing.
	SizeFit ReturnReason = iota + 1
	// QualityDefect: seams, fabric, colour fastness, shrinkage, buttons,
	// zips.
	QualityDefect
	// NotAsDescribed: colour, material or cut differ from the description.
	NotAsDescribed
	// ChangedMind: a no-reason return within the return window.
	ChangedMind
	// LateDelivery: the goods came too late to be of use.
	LateDelivery
	// OtherReason: anything else.
	OtherReason
)

var reasonNames = []string{"", "size-fit", "quality-defect", "not-as-described", "changed-mind", "late-delivery", "other"}

// ParseReturnReason parses "size-fit", "quality-defect", "not-as-described",
// "changed-mind", "late-delivery" or "other".
func ParseReturnReason(s string) (ReturnReason, error) {
	return enumtext.Parse[ReturnReason](s, reasonNames, "return reason")
}

// String returns the reason's name.
func (r ReturnReason) String() string { return enumtext.String(r, reasonNames, "ReturnReason") }

// Valid reports whether r is a defined reason.
func (r ReturnReason) Valid() bool { return enumtext.Valid(r, reasonNames) }

// MarshalText implements [encoding.TextMarshaler].
func (r ReturnReason) MarshalText() ([]byte, error) {
	return enumtext.Marshal(r, reasonNames, "return reason")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (r *ReturnReason) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(r, b, ParseReturnReason)
}

// ReturnKind says whether returned goods were refunded or exchanged.
type ReturnKind uint8

const (
	// Refund: the money for the returned units is paid back.
	Refund ReturnKind = iota + 1
	// Exchange: the units are swapped (another size or colour); no money
	// moves.
	Exchange
)

var returnKindNames = []string{"", "refund", "exchange"}

// ParseReturnKind parses "refund" or "exchange".
func ParseReturnKind(s string) (ReturnKind, error) {
	return enumtext.Parse[ReturnKind](s, returnKindNames, "return kind")
}

// String returns "refund" or "exchange".
func (k ReturnKind) String() string { return enumtext.String(k, returnKindNames, "ReturnKind") }

// Valid reports whether k is a defined return kind.
func (k ReturnKind) Valid() bool { return enumtext.Valid(k, returnKindNames) }

// MarshalText implements [encoding.TextMarshaler].
func (k ReturnKind) MarshalText() ([]byte, error) {
	return enumtext.Marshal(k, returnKindNames, "return kind")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (k *ReturnKind) UnmarshalText(b []byte) error { return enumtext.Unmarshal(k, b, ParseReturnKind) }

// InteractionKind is a sign of interest shown before or besides a purchase
// (domain rules §3.2: the potential shop type follows products and events without
// buying yet).
type InteractionKind uint8

const (
	// StoreVisit: came into a shop.
	StoreVisit InteractionKind = iota + 1
	// SiteVisit: browsed the online shop.
	SiteVisit
	// Wishlist: saved an item.
	Wishlist
	// Cart: put an item in the basket.
	Cart
	// SurveyAnswered: answered a survey.
	SurveyAnswered
	// EventAttended: came to a member event or show.
	EventAttended
)

var interactionNames = []string{"", "store-visit", "site-visit", "wishlist", "cart", "survey", "event"}

// ParseInteractionKind parses "store-visit", "site-visit", "wishlist",
// "cart", "survey" or "event".
func ParseInteractionKind(s string) (InteractionKind, error) {
	return enumtext.Parse[InteractionKind](s, interactionNames, "interaction kind")
}

// String returns the kind's name.
func (k InteractionKind) String() string {
	return enumtext.String(k, interactionNames, "InteractionKind")
}

// Valid reports whether k is a defined interaction kind.
func (k InteractionKind) Valid() bool { return enumtext.Valid(k, interactionNames) }

// MarshalText implements [encoding.TextMarshaler].
func (k InteractionKind) MarshalText() ([]byte, error) {
	return enumtext.Marshal(k, interactionNames, "interaction kind")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; a refused text
// leaves the value as it was.
func (k *InteractionKind) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(k, b, ParseInteractionKind)
}
