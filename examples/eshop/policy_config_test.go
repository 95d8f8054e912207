package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
)

// A complaint policy that does not validate is refused when the server
// is made, naming the field, rather than answered as a 400 that names a
// field the client never sent on every complaint request.
func TestNewServerRefusesAnInvalidPolicy(t *testing.T) {
	_, entry, err := NewKey("shop", RoleShop)
	require.NoError(t, err)
	ring, err := NewKeyring([]KeyEntry{entry})
	require.NoError(t, err)
	bad := complaint.DefaultPolicy()
	bad.ReopenWindow = -time.Hour
	bad.ApprovingDepartments = []string{"Quality", " "}
	srv, err := NewServer(Config{Stores: memoryStores(), Keys: ring, Policy: bad})
	require.Error(t, err)
	assert.Nil(t, srv)
	assert.ErrorIs(t, err, customer.ErrInvalid)
	assert.Contains(t, err.Error(), "reopen_window")
	assert.Contains(t, err.Error(), "approving_departments[1]")

	good := complaint.DefaultPolicy()
	good.ApprovingDepartments = []string{"Complaint Desk"}
	srv, err = NewServer(Config{Stores: memoryStores(), Keys: ring, Policy: good})
	require.NoError(t, err)
	assert.NotNil(t, srv)
}
