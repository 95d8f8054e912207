package loyaltytest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tailorcrm/tailor/loyalty"
	"github.com/tailorcrm/tailor/loyalty/loyaltytest"
)

// An order event whose append fails changes nothing; delivered again after
// the fault, it earns exactly once.
func ExampleFaultStore() {
	ctx := context.Background()
	p := loyaltytest.Programme()
	faulty := &loyaltytest.FaultStore{Store: loyalty.NewMemStore()}
	svc := loyalty.NewService(p, faulty, nil)
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC) // before the kit's orders

	if _, _, err := svc.Apply(ctx, loyalty.Join{Member: "anna", Time: now}, now); err != nil {
		panic(err)
	}
	order := loyalty.Purchase{Order: loyaltytest.Order("O-1", "anna", 120, 5)}
	faulty.FailAppend = loyaltytest.Fault{Call: 2}
	_, _, err := svc.Apply(ctx, order, now.Add(2*time.Hour))
	fmt.Println("delivery 1 failed:", errors.Is(err, loyaltytest.ErrInjected))

	a, _ := svc.Account(ctx, "anna")
	fmt.Println("balance after the fault:", a.Balance())

	for i := 2; i <= 3; i++ {
		a, _, err = svc.Apply(ctx, order, now.Add(2*time.Hour))
		if errors.Is(err, loyalty.ErrDuplicate) {
			fmt.Printf("delivery %d: already applied\n", i)
			continue
		}
		fmt.Printf("delivery %d: %v, balance %d\n", i, err, a.Balance())
	}
	// Output:
	// delivery 1 failed: true
	// balance after the fault: 0
	// delivery 2: <nil>, balance 120
	// delivery 3: already applied
}
