package main

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/sqlite/sqlitestore"
)

// creditHook is a SQLite customer store that runs after, once, right
// after the first credit it appends: another writer acting between a
// carry-out's credit and the save of its case.
type creditHook struct {
	*sqlitestore.Customers
	after *func()
	done  *atomic.Bool
}

func (h creditHook) AppendChecked(ctx context.Context, e customer.Event, check func([]customer.Event) error) error {
	if err := h.Customers.AppendChecked(ctx, e, check); err != nil {
		return err
	}
	if e.Credit != nil && *h.after != nil && !h.done.Swap(true) {
		(*h.after)()
	}
	return nil
}

// Another server's command that passed the pending check before a
// carry-out on this server recorded its credit is saved after the
// credit, under the sequence number the credit names: the credit is
// money no carry-out gave. The carry-out, retried on the case as the
// command left it (an escalation keeps it approved), must not pay again:
// it is carried out with the credit already recorded, so that the
// history holds the reduction once, the case's log gives it, and a later
// sync records nothing more.
func TestCarryOutRetriedAfterItsCreditWasOrphanedPaysOnce(t *testing.T) {
	var after func()
	var done atomic.Bool
	envs, _ := twoServers(t, func(c *sqlitestore.Customers) CustomerStore { return creditHook{c, &after, &done} })
	e := envs[0]
	e.register("C-8")
	r := e.do("POST", "/v1/orders", "shop", order("O-8", "C-8", testNow.Add(-48*time.Hour), 1, "89.90"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	path := e.resolveComplaint("C-8", "O-8", "price-reduction", "30.00")
	id := complaint.ID(strings.TrimSuffix(strings.TrimPrefix(path, "/v1/complaints/"), "/commands"))
	other := &complaint.Service{Store: envs[1].stores.Complaints}
	after = func() {
		// The other server's escalation, checked before the credit was
		// recorded, is saved now.
		_, _, err := other.Do(context.Background(), id, complaint.Command{Kind: complaint.CmdEscalate, Reason: "customer called again"},
			complaint.Actor{ID: "supervisor-1", Role: complaint.RoleSupervisor}, testNow)
		require.NoError(t, err)
	}
	r = e.do("POST", path, "handler-1", carryOutCmd)
	require.Equal(t, http.StatusOK, r.Status, r.String())
	assert.Equal(t, "carried-out", r.Body["case"].(map[string]any)["state"])

	credits := e.creditsOf("C-8")
	require.Len(t, credits, 1, "the carry-out paid twice: %+v", credits)
	assert.Equal(t, "30", credits[0].Amount.Amount().String())
	require.NoError(t, e.srv.syncCredits(t.Context(), "C-8"))
	assert.Len(t, e.creditsOf("C-8"), 1, "a sync records the case's credit again")
	assert.NotContains(t, e.logs.String(), "complaint credit without a carry-out")
	sum, err := customer.SummarizeHistory(t.Context(), e.stores.Customers, "C-8", customer.Consumer, testNow, nil)
	require.NoError(t, err)
	assert.Equal(t, "30", sum.Credited.String())
}
