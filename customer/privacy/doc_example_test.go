package privacy_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/tailorcrm/tailor/customer/privacy"
)

// A subject-access request and an erasure request for one customer. The
// report holds her personal data in full in its JSON form only: logged by
// mistake, it says whom it is about and how much it holds, nothing more.
// The erasure anonymises her record and ledger, finds no interactions to
// delete, keeps what the law requires kept, and lists the open complaint
// case it leaves alone.
func Example() {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC)
	customers, ledgers, club, cases := annasShop()

	r, err := privacy.Export(ctx, "anna", privacy.Sources{
		Customers: customers, History: customers, Loyalty: ledgers, Complaints: cases}, now)
	if err != nil {
		panic(err)
	}
	fmt.Println(r)
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}}))
	logger.Info("export", "report", r)
	doc, err := r.MarshalJSON()
	if err != nil {
		panic(err)
	}
	fmt.Println("name in the document:", strings.Contains(string(doc), `"name":"Anna Li"`))

	e, err := privacy.Erase(ctx, "anna", privacy.Targets{
		Customers: customers, Interactions: customers, Loyalty: club, Complaints: cases}, now)
	if err != nil {
		panic(err)
	}
	fmt.Printf("record %s, interactions %s, ledger %s, complaints %s %v\n", e.Customers, e.Interactions, e.Loyalty, e.Complaints, e.KeptCases)
	// Output:
	// privacy report of customer "anna" made 2026-03-01T11:00:00Z from customers, history, loyalty, complaints: record, 1 order, 0 returns, 0 credits, 0 interactions, ledger of 2 entries, 1 complaint case, personal data redacted
	// level=INFO msg=export report.customer=anna report.made=2026-03-01T11:00:00.000Z report.sources="[customers history loyalty complaints]" report.record=true report.orders=1 report.returns=0 report.credits=0 report.interactions=0 report.ledger_entries=2 report.complaints=1 report.personal_data=[redacted]
	// name in the document: true
	// record erased, interactions already erased, ledger erased, complaints kept [C-1]
}
