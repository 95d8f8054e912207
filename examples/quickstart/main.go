// Command quickstart is the tour of tailor on built-in data: it generates a
// synthetic clothing shop, summarises every customer, scores value,
// segments and grades, fits the churn models and explains who is at risk,
// walks one complaint through the workflow and follows one member's points.
//
//	go run ./examples/quickstart
//
// Everything it prints is computed; nothing is read from disk.
package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	if err := run(os.Stdout, 6000); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run prints the tour for a shop of n customers to w.
func run(w io.Writer, n int) error {
	s, err := newShop(n)
	if err != nil {
		return err
	}
	for _, section := range []func(io.Writer, *shop) error{
		overview, valueAndSegments, churnRisk, complaintCase, memberPoints,
	} {
		if err := section(w, s); err != nil {
			return err
		}
	}
	return nil
}

// asOf is the instant of the analysis: the last day of the generated
// history.
var asOf = time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC)

func heading(w io.Writer, title string) {
	fmt.Fprintf(w, "\n== %s\n\n", title)
}
