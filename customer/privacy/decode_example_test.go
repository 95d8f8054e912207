package privacy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/tailorcrm/tailor/customer/privacy"
)

// The document a person received moves to another system that uses this
// package: decoded, it is the report it was made from, and encoded again
// it gives the same bytes. A document of another schema is refused, and
// so is one that holds records of another customer than its own.
func ExampleReport_UnmarshalJSON() {
	ctx := context.Background()
	made := time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC)
	customers, ledgers, _, cases := annasShop()
	r, err := privacy.Export(ctx, "anna", privacy.Sources{
		Customers: customers, History: customers, Loyalty: ledgers, Complaints: cases}, made)
	if err != nil {
		panic(err)
	}
	doc, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}

	var moved privacy.Report
	if err := json.Unmarshal(doc, &moved); err != nil {
		panic(err)
	}
	again, err := json.Marshal(moved)
	if err != nil {
		panic(err)
	}
	fmt.Println("customer:", moved.Customer, "orders:", len(moved.Orders), "complaints:", len(moved.Complaints))
	fmt.Println("same document:", bytes.Equal(doc, again))

	var other privacy.Report
	err = json.Unmarshal([]byte(`{"schema": "tailor.privacy.export/v1"}`), &other)
	fmt.Println("other schema refused:", err != nil)

	// A document filed under bob that holds anna's records is refused:
	// a decoded report holds one customer's records only.
	relabelled := bytes.Replace(doc, []byte(`"customer":"anna"`), []byte(`"customer":"bob"`), 1)
	err = json.Unmarshal(relabelled, &other)
	fmt.Println("another customer's records refused:", errors.Is(err, privacy.ErrForeignRecord))
	// Output:
	// customer: anna orders: 1 complaints: 1
	// same document: true
	// other schema refused: true
	// another customer's records refused: true
}
