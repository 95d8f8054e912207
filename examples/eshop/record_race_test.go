package main

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/complaint"
)

// lostRace is a complaint store whose first Save of a recording loses to
// another server that saved the same case and event just before it (the
// same request, sent again to another server while this one worked): the
// event is stored, and this Save reports ErrConflict.
type lostRace struct {
	complaint.Store
	armed atomic.Bool
}

func (l *lostRace) Save(ctx context.Context, c complaint.Case, ev complaint.Event) error {
	if ev.Seq == 1 && l.armed.CompareAndSwap(true, false) {
		if err := l.Store.Save(ctx, c, ev); err != nil {
			return err
		}
		return complaint.ErrConflict
	}
	return l.Store.Save(ctx, c, ev)
}

// A complaint form whose recording loses the race to the same form
// recorded by another server — under the same Idempotency-Key, or without
// one — is that case: no second case is opened for one complaint.
func TestComplaintRecordLostToSameFormOpensOneCase(t *testing.T) {
	for _, idem := range []string{"form-1", ""} {
		t.Run("key="+idem, func(t *testing.T) {
			stores := memoryStores()
			race := &lostRace{Store: stores.Complaints}
			stores.Complaints = race
			e := newEnv(t, stores)
			e.register("C-1")
			form := complaintForm("C-1", "O-1", testNow.Add(-time.Hour))
			race.armed.Store(true)
			var r response
			if idem == "" {
				r = e.do("POST", "/v1/complaints", "shop", form)
			} else {
				r = e.doKeyed("POST", "/v1/complaints", "shop", idem, form)
			}
			require.Contains(t, []int{http.StatusOK, http.StatusCreated}, r.Status, r.String())
			assert.Equal(t, "C-1:1", r.Body["case"].(map[string]any)["id"], r.String())
			cases, err := stores.Complaints.Cases(context.Background(), "C-1")
			require.NoError(t, err)
			assert.Len(t, cases, 1, "one complaint, one case")
		})
	}
}
