package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/tailorcrm/tailor/complaint"
)

// Role is what a caller of the API is: the shop's order system, a member
// of customer service, an analyst. A role grants a fixed set of rights.
type Role uint8

// The roles. The four staff roles are those of the complaint workflow, so
// a staff key acts on complaints in that role.
const (
	// RoleShop is the online shop's order system: it registers customers,
	// records orders and returns, prices baskets, reads points and opens
	// complaints on a customer's behalf (the web complaint form). It
	// cannot move a complaint nor read analytics or personal data.
	RoleShop Role = iota + 1
	// RoleAgent is front-line customer service.
	RoleAgent
	// RoleHandler is department staff who investigate and resolve cases.
	RoleHandler
	// RoleSupervisor approves resolutions up to the approval threshold
	// and adjusts points by hand.
	RoleSupervisor
	// RoleManager does what a supervisor does and approves above the
	// threshold.
	RoleManager
	// RoleAnalyst reads customers' segment, value and churn risk and
	// refreshes the models; nothing else.
	RoleAnalyst
)

var roleNames = [...]string{RoleShop: "shop", RoleAgent: "agent", RoleHandler: "handler",
	RoleSupervisor: "supervisor", RoleManager: "manager", RoleAnalyst: "analyst"}

// String returns the role's name, or "Role(n)" for an undefined value.
func (r Role) String() string {
	if r.Valid() {
		return roleNames[r]
	}
	return fmt.Sprintf("Role(%d)", uint8(r))
}

// Valid reports whether r is a defined role.
func (r Role) Valid() bool { return r >= RoleShop && r <= RoleAnalyst }

// ParseRole parses a role name.
func ParseRole(s string) (Role, error) {
	for r := RoleShop; r.Valid(); r++ {
		if roleNames[r] == s {
			return r, nil
		}
	}
	return 0, fmt.Errorf("unknown role %q (want shop, agent, handler, supervisor, manager or analyst)", s)
}

// MarshalText implements encoding.TextMarshaler.
func (r Role) MarshalText() ([]byte, error) {
	if !r.Valid() {
		return nil, fmt.Errorf("undefined role %d", uint8(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *Role) UnmarshalText(b []byte) error {
	v, err := ParseRole(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// complaintRole is the role a key acts in on complaints; zero for the
// roles that have none of their own (the shop acts as the complainant).
func (r Role) complaintRole() complaint.Role {
	switch r {
	case RoleAgent:
		return complaint.RoleAgent
	case RoleHandler:
		return complaint.RoleHandler
	case RoleSupervisor:
		return complaint.RoleSupervisor
	case RoleManager:
		return complaint.RoleManager
	}
	return 0
}

// Right is one thing a caller may do.
type Right uint16

// The rights each endpoint checks.
const (
	RightCustomersWrite Right = 1 << iota // register customers
	RightCustomersRead                    // read a customer's record, with personal data
	RightOrders                           // record orders and returns
	RightPrice                            // price baskets
	RightPointsRead                       // read a member's points
	RightPointsAdjust                     // adjust points by hand
	RightComplaintOpen                    // open a complaint
	RightComplaintWork                    // move a complaint through the workflow
	RightComplaintRead                    // read a complaint and its audit trail
	RightInsight                          // read segment, value and churn risk
	RightModels                           // refresh the population models
)

// rights is the fixed table of what each role may do.
var rights = map[Role]Right{
	RoleShop:       RightCustomersWrite | RightOrders | RightPrice | RightPointsRead | RightComplaintOpen,
	RoleAgent:      RightCustomersRead | RightPointsRead | RightComplaintOpen | RightComplaintWork | RightComplaintRead,
	RoleHandler:    RightComplaintWork | RightComplaintRead,
	RoleSupervisor: RightCustomersRead | RightPointsRead | RightPointsAdjust | RightComplaintOpen | RightComplaintWork | RightComplaintRead | RightInsight,
	RoleManager:    RightCustomersRead | RightPointsRead | RightPointsAdjust | RightComplaintOpen | RightComplaintWork | RightComplaintRead | RightInsight | RightModels,
	RoleAnalyst:    RightInsight | RightModels,
}

// Can reports whether role r has right x.
func (r Role) Can(x Right) bool { return rights[r]&x == x }

// Caller is an authenticated caller: the key's ID (also the actor ID of a
// staff member in complaint audit trails) and its role.
type Caller struct {
	ID   string
	Role Role
}

// KeyEntry is one API key as stored in the keys file: the caller's ID, its
// role and the SHA-256 of the key, in hex. The key itself is never stored.
type KeyEntry struct {
	ID     string `json:"id"`
	Role   Role   `json:"role"`
	SHA256 string `json:"sha256"`
}

// validKeyID is the form of a key's ID: it is the part of the key before
// the first dot, and an actor ID in audit trails.
var validKeyID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Keyring holds the hashed API keys and checks presented keys.
//
// A key is "<id>.<secret>", the secret 32 random bytes in unpadded
// base64url (256 bits). Only SHA-256(key) is kept: a fast unsalted hash is
// enough for a key of that entropy, which no dictionary or brute force can
// reach, and it lets the check cost one hash. The ID selects the entry,
// and the hashes are compared with crypto/subtle in constant time; an
// unknown ID is compared against a dummy hash, so that the time taken does
// not tell known IDs from unknown ones.
type Keyring struct {
	byID  map[string]entry
	dummy [sha256.Size]byte
}

type entry struct {
	role Role
	hash [sha256.Size]byte
}

// NewKeyring checks entries and returns the keyring: IDs must be unique and
// of the form [A-Za-z0-9_-]{1,64}, roles defined, hashes 64 hex digits.
func NewKeyring(entries []KeyEntry) (*Keyring, error) {
	k := &Keyring{byID: make(map[string]entry, len(entries))}
	var errs []error
	for i, e := range entries {
		if !validKeyID.MatchString(e.ID) {
			errs = append(errs, fmt.Errorf("keys[%d].id: %q is not 1–64 letters, digits, '-' or '_'", i, e.ID))
		}
		if _, dup := k.byID[e.ID]; dup {
			errs = append(errs, fmt.Errorf("keys[%d].id: %q appears twice", i, e.ID))
		}
		if !e.Role.Valid() {
			errs = append(errs, fmt.Errorf("keys[%d].role: missing or unknown", i))
		}
		var h [sha256.Size]byte
		if b, err := hex.DecodeString(e.SHA256); err != nil || len(b) != sha256.Size {
			errs = append(errs, fmt.Errorf("keys[%d].sha256: not 64 hex digits", i))
		} else {
			copy(h[:], b)
		}
		k.byID[e.ID] = entry{role: e.Role, hash: h}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return k, nil
}

// DecodeKeys reads a keys file: a JSON array of KeyEntry, strictly
// (unknown fields and trailing data are errors).
func DecodeKeys(data []byte) (*Keyring, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var entries []KeyEntry
	if err := dec.Decode(&entries); err != nil {
		return nil, fmt.Errorf("keys file: %w", err)
	}
	if dec.More() {
		return nil, errors.New("keys file: data after the JSON array")
	}
	return NewKeyring(entries)
}

// NewKey returns a fresh key for id and its entry for the keys file.
func NewKey(id string, role Role) (key string, e KeyEntry, err error) {
	if !validKeyID.MatchString(id) {
		return "", KeyEntry{}, fmt.Errorf("key ID %q is not 1–64 letters, digits, '-' or '_'", id)
	}
	if !role.Valid() {
		return "", KeyEntry{}, fmt.Errorf("undefined role %d", uint8(role))
	}
	var secret [32]byte
	if _, err := rand.Read(secret[:]); err != nil {
		return "", KeyEntry{}, err
	}
	key = id + "." + base64.RawURLEncoding.EncodeToString(secret[:])
	h := sha256.Sum256([]byte(key))
	return key, KeyEntry{ID: id, Role: role, SHA256: hex.EncodeToString(h[:])}, nil
}

// Check returns the caller a key belongs to; ok is false for a wrong,
// unknown or malformed key.
func (k *Keyring) Check(key string) (c Caller, ok bool) {
	id, _, found := strings.Cut(key, ".")
	h := sha256.Sum256([]byte(key))
	e, known := k.byID[id]
	want := k.dummy
	if known && found {
		want = e.hash
	}
	match := subtle.ConstantTimeCompare(h[:], want[:]) == 1
	if !known || !found || !match {
		return Caller{}, false
	}
	return Caller{ID: id, Role: e.role}, true
}

// IDs returns the IDs of the keys, sorted.
func (k *Keyring) IDs() []string {
	ids := make([]string, 0, len(k.byID))
	for id := range k.byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// bearer returns the key of an "Authorization: Bearer <key>" header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, key, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || key == "" {
		return "", false
	}
	return strings.TrimSpace(key), true
}
