package main

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tailorcrm/tailor/complaint"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/examples/sqlite/sqlitestore"
	"github.com/tailorcrm/tailor/loyalty"
)

// backends runs f on the in-memory stores, on a SQLite file and, when
// TAILOR_POSTGRES_DSN is set, on PostgreSQL.
func backends(t *testing.T, f func(t *testing.T, e *testEnv)) {
	t.Run("memory", func(t *testing.T) { f(t, newEnv(t, memoryStores())) })
	t.Run("sqlite", func(t *testing.T) {
		e, _ := sqliteEnv(t)
		f(t, e)
	})
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv("TAILOR_POSTGRES_DSN") == "" {
			t.Skip("TAILOR_POSTGRES_DSN is not set: no PostgreSQL server to test against")
		}
		f(t, newEnv(t, postgresTestStores(t)))
	})
}

// 64 concurrent deliveries of one order event earn once: one 201, the
// others 200 with duplicate set, and one earn entry in the ledger.
func TestConcurrentSameOrder(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.register("C-1")
		o := order("O-1", "C-1", testNow.Add(-time.Hour), 1, "120.00")
		const n = 64
		statuses := make([]int, n)
		earned := make([]int64, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				r, err := e.try("POST", "/v1/orders", e.keys["shop"], o)
				if err == nil {
					statuses[i], earned[i] = r.Status, num(r.Body["points_earned"])
				}
			})
		}
		close(start)
		wg.Wait()
		count := map[int]int{}
		for i := range n {
			count[statuses[i]]++
			assert.EqualValues(t, 174, earned[i], "every delivery reports the order's points") // 120 + 54.90
		}
		assert.Equal(t, map[int]int{http.StatusCreated: 1, http.StatusOK: n - 1}, count)
		a := e.account("C-1")
		assert.EqualValues(t, 174, a.Balance())
		entries, err := e.stores.Ledgers.Entries(t.Context(), "C-1", 0)
		require.NoError(t, err)
		earns := 0
		for _, en := range entries {
			if en.Kind == loyalty.EntryEarn {
				earns++
			}
		}
		assert.Equal(t, 1, earns)
		assert.Len(t, e.orders("C-1"), 1)
	})
}

// Many distinct orders of one member at once lose nothing: every order is
// in the history, earned once, and the balance is the sum of what each
// response reported (tier multipliers change on the way, so the sum is
// taken from the responses and checked against the ledger).
func TestConcurrentDistinctOrders(t *testing.T) {
	backends(t, func(t *testing.T, e *testEnv) {
		e.register("C-1")
		const clients, each = 64, 3
		var mu sync.Mutex
		var sum int64
		failures := 0
		var wg sync.WaitGroup
		for c := range clients {
			wg.Go(func() {
				for k := range each {
					id := fmt.Sprintf("O-%d-%d", c, k)
					o := order(id, "C-1", testNow.Add(-time.Duration(c*each+k+1)*time.Minute), 1+k, "19.90")
					r, err := e.try("POST", "/v1/orders", e.keys["shop"], o)
					mu.Lock()
					if err != nil || r.Status != http.StatusCreated {
						failures++
					} else {
						sum += num(r.Body["points_earned"])
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		require.Zero(t, failures)
		assert.Len(t, e.orders("C-1"), clients*each)
		a := e.account("C-1")
		assert.EqualValues(t, sum, a.Balance())
		for c := range clients {
			for k := range each {
				earned, _, ok := a.OrderPoints(fmt.Sprintf("O-%d-%d", c, k))
				assert.True(t, ok)
				assert.Positive(t, earned)
			}
		}
		r := e.do("GET", "/v1/members/C-1/points", "shop", nil)
		assert.EqualValues(t, sum, num(r.Body["balance"]))
	})
}

// Two servers on one SQLite file, each with its own connections — two
// processes, as far as the database can tell — share no lock in memory:
// the stores' idempotency and optimistic concurrency alone make 64
// deliveries split between them earn once, and racing distinct orders
// lose nothing.
func TestTwoServersOneDatabase(t *testing.T) {
	envs, _ := twoServers(t, nil)
	a, b := envs[0], envs[1]
	a.register("C-1")
	same := order("O-1", "C-1", testNow.Add(-time.Hour), 1, "120.00")
	const n = 64
	statuses := make([]int, n)
	var sum atomic.Int64
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			e := a
			if i%2 == 1 {
				e = b
			}
			if r, err := e.try("POST", "/v1/orders", e.keys["shop"], same); err == nil {
				statuses[i] = r.Status
			}
			o := order(fmt.Sprintf("O-x-%d", i), "C-1", testNow.Add(-time.Duration(i+2)*time.Minute), 1, "10.00")
			if r, err := e.try("POST", "/v1/orders", e.keys["shop"], o); err == nil && r.Status == http.StatusCreated {
				sum.Add(num(r.Body["points_earned"]))
			} else {
				sum.Add(-1 << 40) // a failure shows in the balance check
			}
		})
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	assert.Equal(t, map[int]int{http.StatusCreated: 1, http.StatusOK: n - 1}, count)
	acct := a.account("C-1")
	earned, _, _ := acct.OrderPoints("O-1")
	assert.EqualValues(t, 174, earned)
	assert.EqualValues(t, sum.Load()+174, acct.Balance())
	assert.Len(t, a.orders("C-1"), n+1)
}

// slowCredits is a customer store whose AppendCredit waits a moment first,
// as a busy database would: a carry-out checked against the history
// before another's credit lands would then pass the check too.
type slowCredits struct{ CustomerStore }

func (s slowCredits) AppendCredit(ctx context.Context, c customer.Credit) error {
	time.Sleep(50 * time.Millisecond)
	return s.CustomerStore.AppendCredit(ctx, c)
}

// Price reductions of several cases on one order, carried out at once,
// add up to no more than the order's net: each carry-out is checked
// against the reductions stored before it, so of eight cases of 80.00 on
// an order of 144.80 exactly one is carried out, and the others are
// refused with 422 and stay approved.
func TestConcurrentCarryOutsOfOneOrder(t *testing.T) {
	base := memoryStores()
	e := newEnv(t, &Stores{Name: "slow credits", Customers: slowCredits{base.Customers},
		Complaints: base.Complaints, Ledgers: base.Ledgers})
	e.register("C-8")
	r := e.do("POST", "/v1/orders", "shop", order("O-8", "C-8", testNow.Add(-48*time.Hour), 1, "89.90"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	const n = 8
	paths := make([]string, n)
	for i := range paths {
		paths[i] = e.resolveComplaint("C-8", "O-8", "price-reduction", "80.00")
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	statuses := make([]int, n)
	for i, path := range paths {
		wg.Go(func() {
			<-start
			r, err := e.try("POST", path, e.keys["handler-1"], carryOutCmd)
			if err == nil {
				statuses[i] = r.Status
			}
		})
	}
	close(start)
	wg.Wait()
	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	assert.Equal(t, map[int]int{http.StatusOK: 1, http.StatusUnprocessableEntity: n - 1}, counts)
	credits := 0
	for ev, err := range e.stores.Customers.History(t.Context(), "C-8") {
		require.NoError(t, err)
		if ev.Credit != nil {
			credits++
		}
	}
	assert.Equal(t, 1, credits, "one price reduction in the history")
	for _, path := range paths {
		r := e.do("GET", strings.TrimSuffix(path, "/commands"), "agent-1", nil)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		if state := r.Body["case"].(map[string]any)["state"]; state != "approved" {
			assert.Equal(t, "carried-out", state)
		}
	}
}

// slowReads is a SQLite customer store whose Get waits a moment first, as
// a busy database would: a read-modify-write made of a Get and a Put then
// leaves room for another server's write in between.
type slowReads struct{ *sqlitestore.Customers }

func (s slowReads) Get(ctx context.Context, id customer.ID) (customer.Customer, error) {
	time.Sleep(5 * time.Millisecond)
	return s.Customers.Get(ctx, id)
}

// Two servers on one SQLite file share no lock in memory, and an ERP
// changes the household on the file meanwhile: a re-registration under
// each of 16 privacy notices, split between the servers, records each
// notice as evidence, and every member the ERP adds is kept. The shop
// changes a customer with the store's atomic Update, so no server's
// write is made from a read that another write has made stale.
func TestTwoServersKeepEachOthersCustomerChanges(t *testing.T) {
	envs, erp := twoServers(t, func(c *sqlitestore.Customers) CustomerStore { return slowReads{c} })
	envs[0].register("C-1")
	const n = 16
	var wg sync.WaitGroup
	start := make(chan struct{})
	statuses := make([]int, n)
	erpErrs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			<-start
			e := envs[i%2]
			r, err := e.try("PUT", "/v1/customers/C-1", e.keys["shop"], map[string]any{
				"kind": "consumer", "name": "Jane Doe", "region": "Berlin",
				"consent": map[string]any{"marketing": true, "profiling": false, "notice": fmt.Sprintf("privacy v%d", 100+i)},
			})
			if err == nil {
				statuses[i] = r.Status
			}
		})
		wg.Go(func() {
			<-start
			erpErrs[i] = erp.Update(t.Context(), "C-1", func(c *customer.Customer) error {
				c.Household = append(c.Household, customer.Member{ID: fmt.Sprintf("m%d", i), Relation: customer.Child})
				return nil
			})
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		assert.Equal(t, http.StatusOK, statuses[i], "PUT %d", i)
		assert.NoError(t, erpErrs[i], "household change %d", i)
	}
	c, err := erp.Get(t.Context(), "C-1")
	require.NoError(t, err)
	for i := range n {
		notice := fmt.Sprintf("privacy v%d", 100+i)
		assert.True(t, slices.ContainsFunc(c.ConsentHistory, func(ch customer.ConsentChange) bool {
			return ch.Purpose == customer.PurposeMarketing && ch.Given && ch.Notice == notice
		}), "the consent given under %s is lost", notice)
		assert.True(t, slices.ContainsFunc(c.Household, func(m customer.Member) bool { return m.ID == fmt.Sprintf("m%d", i) }),
			"household member m%d is lost", i)
	}
	assert.True(t, c.Consent.Marketing)
	assert.False(t, c.Consent.Profiling)
}

// meetHistory is a SQLite customer store whose History, while a round is
// open, reads the history and then waits until the other server's
// History has read it too (or a second has passed): two checks made each
// of a History read and a later append then both read before either
// appends, as they can when two servers are busy. Its AppendChecked is the store's own, which
// reads and appends in one step.
type meetHistory struct {
	*sqlitestore.Customers
	round *meeting
}

// meeting is a round of History calls of two servers.
type meeting struct {
	mu    sync.Mutex
	calls int
	met   chan struct{}
}

// open starts a round.
func (m *meeting) open() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls, m.met = 0, make(chan struct{})
}

// close ends the round.
func (m *meeting) close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.met = nil
}

func (s meetHistory) History(ctx context.Context, id customer.ID) iter.Seq2[customer.Event, error] {
	type read struct {
		e   customer.Event
		err error
	}
	var evs []read
	for e, err := range s.Customers.History(ctx, id) {
		evs = append(evs, read{e, err})
	}
	s.round.mu.Lock()
	met := s.round.met
	if met != nil {
		if s.round.calls++; s.round.calls == 2 {
			close(met)
		}
	}
	s.round.mu.Unlock()
	if met != nil {
		select {
		case <-met:
		case <-time.After(time.Second):
		}
	}
	return func(yield func(customer.Event, error) bool) {
		for _, r := range evs {
			if !yield(r.e, r.err) {
				return
			}
		}
	}
}

// meetingServers returns two servers on one SQLite file, each with its
// own connections, whose customer stores meet in the History calls of
// the rounds of the meeting returned.
func meetingServers(t *testing.T) ([2]*testEnv, *meeting) {
	round := &meeting{}
	envs, _ := twoServers(t, func(c *sqlitestore.Customers) CustomerStore { return meetHistory{c, round} })
	return envs, round
}

// Two servers on one SQLite file share no lock in memory: when each gets
// a refund of all the units of the same order at once, exactly one is
// recorded and the other is refused as a validation error naming the
// line (or its time), so the history still adds up — SummarizeHistory of the customer
// succeeds and counts the units once.
func TestTwoServersRefundOneOrderOnce(t *testing.T) {
	envs, round := meetingServers(t)
	envs[0].register("C-1")
	const orders = 4
	for k := range orders {
		o := order(fmt.Sprintf("O-%d", k), "C-1", testNow.Add(-time.Duration(k+2)*time.Hour), 2, "89.90")
		r := envs[k%2].do("POST", "/v1/orders", "shop", o)
		require.Equal(t, http.StatusCreated, r.Status, r.String())
	}
	for k := range orders {
		var wg sync.WaitGroup
		start := make(chan struct{})
		var rs [2]response
		round.open()
		for i, e := range envs {
			wg.Go(func() {
				<-start
				r, err := e.try("POST", "/v1/returns", e.keys["shop"], map[string]any{
					"id": fmt.Sprintf("R-%d-%d", k, i), "order_id": fmt.Sprintf("O-%d", k), "customer_id": "C-1",
					"time": testNow.Add(-time.Hour).Format(time.RFC3339), "kind": "refund", "reason": "size-fit",
					"lines": []map[string]any{{"line_id": "1", "quantity": -2}, {"line_id": "2", "quantity": -1}}})
				assert.NoError(t, err)
				rs[i] = r
			})
		}
		close(start)
		wg.Wait()
		round.close()
		statuses := map[int]int{rs[0].Status: 1}
		statuses[rs[1].Status]++
		require.Equal(t, map[int]int{http.StatusCreated: 1, http.StatusBadRequest: 1}, statuses,
			"order O-%d: %s | %s", k, rs[0], rs[1])
		refused := rs[0]
		if refused.Status == http.StatusCreated {
			refused = rs[1]
		}
		// The later return is refused for its units; one with the same
		// time but an ID that sorts first is refused for its time, since
		// the stored one would then bring back more than was sold.
		assert.Contains(t, []string{"lines[0].quantity", "time"}, refused.field(), refused.String())
	}
	sum, err := customer.SummarizeHistory(t.Context(), envs[0].stores.Customers, "C-1", customer.Consumer, testNow, nil)
	require.NoError(t, err, "the history holds more refunds than units sold")
	assert.Equal(t, orders, sum.Orders)
	assert.Equal(t, 3*orders, sum.ReturnedUnits, "every unit refunded once")
	assert.Equal(t, orders, sum.Returns)
}

// Two servers on one SQLite file each carry out, at once, a case on the
// same order whose price reductions together exceed the order's net.
// Both pass the server's own check of the credit against the history;
// the credit is then recorded before the case is carried out, in one
// step with the store's check, so exactly one is carried out and paid,
// and the other is refused with 422 and its case stays approved: no
// customer is told of money the history does not hold.
func TestTwoServersCarryOutReductionsOfOneOrder(t *testing.T) {
	envs, round := meetingServers(t)
	envs[0].register("C-8")
	r := envs[0].do("POST", "/v1/orders", "shop", order("O-8", "C-8", testNow.Add(-48*time.Hour), 1, "89.90"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	var paths [2]string
	for i, e := range envs {
		paths[i] = e.resolveComplaint("C-8", "O-8", "price-reduction", "80.00") // 2 × 80.00 > 144.80
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	var rs [2]response
	round.open()
	for i, e := range envs {
		wg.Go(func() {
			<-start
			r, err := e.try("POST", paths[i], e.keys["handler-1"], carryOutCmd)
			assert.NoError(t, err)
			rs[i] = r
		})
	}
	close(start)
	wg.Wait()
	round.close()
	statuses := map[int]int{rs[0].Status: 1}
	statuses[rs[1].Status]++
	require.Equal(t, map[int]int{http.StatusOK: 1, http.StatusUnprocessableEntity: 1}, statuses, "%s | %s", rs[0], rs[1])
	refused := 0
	if rs[0].Status == http.StatusOK {
		refused = 1
	}
	assert.Equal(t, "proposal.amount", rs[refused].field(), rs[refused].String())
	var credits []customer.Credit
	for ev, err := range envs[0].stores.Customers.History(t.Context(), "C-8") {
		require.NoError(t, err)
		if ev.Credit != nil {
			credits = append(credits, *ev.Credit)
		}
	}
	require.Len(t, credits, 1, "one price reduction in the history")
	sum, err := customer.SummarizeHistory(t.Context(), envs[0].stores.Customers, "C-8", customer.Consumer, testNow, nil)
	require.NoError(t, err, "the history holds price reductions above the order's net")
	assert.Equal(t, "80", sum.Credited.String())
	for i, path := range paths {
		r := envs[0].do("GET", strings.TrimSuffix(path, "/commands"), "agent-1", nil)
		require.Equal(t, http.StatusOK, r.Status, r.String())
		state := r.Body["case"].(map[string]any)["state"]
		if i == refused {
			assert.Equal(t, "approved", state, "the refused case is unchanged")
			continue
		}
		assert.Equal(t, "carried-out", state)
		// The credit is the one the carried-out case's log gives.
		assert.Equal(t, strings.TrimSuffix(strings.TrimPrefix(path, "/v1/complaints/"), "/commands"), strings.Split(credits[0].ID, "#")[0])
	}
}

// Two servers on one SQLite file, with clocks a minute apart, carry out
// the same case at once: it is carried out once, and the history holds
// the one credit the case's log gives, although the two computed credits
// under one ID at different times.
func TestTwoServersCarryOutOneCase(t *testing.T) {
	envs, round := meetingServers(t)
	envs[1].advance(time.Minute)
	envs[0].register("C-8")
	r := envs[0].do("POST", "/v1/orders", "shop", order("O-8", "C-8", testNow.Add(-48*time.Hour), 1, "89.90"))
	require.Equal(t, http.StatusCreated, r.Status, r.String())
	path := envs[0].resolveComplaint("C-8", "O-8", "price-reduction", "80.00")
	var wg sync.WaitGroup
	start := make(chan struct{})
	var rs [2]response
	round.open()
	for i, e := range envs {
		wg.Go(func() {
			<-start
			r, err := e.try("POST", path, e.keys["handler-1"], carryOutCmd)
			assert.NoError(t, err)
			rs[i] = r
		})
	}
	close(start)
	wg.Wait()
	round.close()
	require.NotEqual(t, rs[0].Status == http.StatusOK, rs[1].Status == http.StatusOK, "one carry-out: %s | %s", rs[0], rs[1])
	lost := rs[0]
	if lost.Status == http.StatusOK {
		lost = rs[1]
	}
	// The other finds the case carried out (409) or, when its clock is
	// behind the carry-out's, refuses its own time.
	if lost.Status != http.StatusConflict {
		assert.Equal(t, http.StatusBadRequest, lost.Status, lost.String())
		assert.Equal(t, "now", lost.field(), lost.String())
	}
	credits := envs[0].creditsOf("C-8")
	require.Len(t, credits, 1)
	id := complaint.ID(strings.TrimSuffix(strings.TrimPrefix(path, "/v1/complaints/"), "/commands"))
	evs, err := envs[0].stores.Complaints.Events(t.Context(), id)
	require.NoError(t, err)
	given, err := complaint.Credits(evs)
	require.NoError(t, err)
	require.Len(t, given, 1)
	assert.True(t, given[0].Equal(credits[0]), "the case's log gives the credit recorded: %+v, %+v", given[0], credits[0])
}

// slowWrites holds each Insert and Put for 5 ms, so that two servers'
// first registrations of one ID both look for the customer before either
// stores it.
type slowWrites struct{ slowReads }

func (s slowWrites) Insert(ctx context.Context, c customer.Customer) error {
	time.Sleep(5 * time.Millisecond)
	return s.Customers.Insert(ctx, c)
}

func (s slowWrites) Put(ctx context.Context, c customer.Customer) error {
	time.Sleep(5 * time.Millisecond)
	return s.Customers.Put(ctx, c)
}

// Two servers on one SQLite file register one new customer at once, each
// under its own privacy notice: the one that stores second finds the
// first registration (customer.Inserter) and records its consent on it,
// so both notices are kept as evidence; a Put would replace the first.
func TestTwoServersRegisterOneCustomer(t *testing.T) {
	envs, erp := twoServers(t, func(c *sqlitestore.Customers) CustomerStore { return slowWrites{slowReads{c}} })
	for round := range 4 {
		id := fmt.Sprintf("R-%d", round)
		var wg sync.WaitGroup
		start := make(chan struct{})
		statuses := make([]int, len(envs))
		for i, e := range envs {
			wg.Go(func() {
				<-start
				r, err := e.try("PUT", "/v1/customers/"+id, e.keys["shop"], map[string]any{
					"kind": "consumer", "name": "Jane Doe", "region": "Berlin",
					"consent": map[string]any{"marketing": true, "profiling": false, "notice": fmt.Sprintf("server %d", i)},
				})
				if err == nil {
					statuses[i] = r.Status
				}
			})
		}
		close(start)
		wg.Wait()
		// One first registration (201); the other finds it and updates it
		// (200).
		assert.ElementsMatch(t, []int{http.StatusCreated, http.StatusOK}, statuses, "round %d", round)
		c, err := erp.Get(t.Context(), customer.ID(id))
		require.NoError(t, err)
		for i := range envs {
			notice := fmt.Sprintf("server %d", i)
			assert.True(t, slices.ContainsFunc(c.ConsentHistory, func(ch customer.ConsentChange) bool { return ch.Notice == notice }),
				"round %d: the consent given under %q on server %d is lost", round, notice, i)
		}
	}
}

// twoServers returns two servers on one SQLite file — two processes, as
// far as SQLite can tell, sharing no lock in memory — and the customer
// store of the second's connection, for a test to read or change the
// file as a third program would. wrap, when not nil, wraps each server's
// customer store. A writer waits up to a minute for the file's lock:
// under the race detector on a loaded machine the default 5 s can run
// out, which would be a 503, not what a test looks for.
func twoServers(t *testing.T, wrap func(*sqlitestore.Customers) CustomerStore) ([2]*testEnv, *sqlitestore.Customers) {
	t.Helper()
	opts := &sqlitestore.Options{BusyTimeout: time.Minute}
	path := filepath.Join(t.TempDir(), "shop.db")
	var envs [2]*testEnv
	var last *sqlitestore.Customers
	for i := range envs {
		db, err := sqlitestore.Open(t.Context(), path, opts)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		st := liteStores(db)
		if wrap != nil {
			st.Customers = wrap(db.Customers())
		}
		envs[i] = newEnv(t, st)
		last = db.Customers()
	}
	return envs, last
}
