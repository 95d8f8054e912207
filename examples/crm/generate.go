package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/shopgen"
)

func runGenerate(e *env, args []string) error {
	fs := newFlags(e, "generate", "-customers N -seed S -out FILE [-start YYYY-MM-DD] [-end YYYY-MM-DD] [-intermediaries SHARE]")
	def := shopgen.DefaultConfig()
	n := fs.Int("customers", def.Customers, "number of customers `N`, consumers and intermediaries, generated (those without a purchase, such as the potential customers, have no row)")
	seed := seedFlag(def.Seed)
	fs.Var(&seed, "seed", "`seed` of the shop, a whole number (a negative S is 2^64 + S): the same flags give the same file, byte for byte")
	out := fs.String("out", "", "output `file` (default stdout)")
	start := fs.String("start", def.Start.Format(time.DateOnly), "first day of the history, `YYYY-MM-DD`, 1900-01-01 or later (crm reads no earlier row)")
	end := fs.String("end", def.End.Format(time.DateOnly), "day after the last day of the history, `YYYY-MM-DD`, 9999-01-01 at the latest")
	inter := fs.Float64("intermediaries", def.IntermediaryShare, "`share` of customers who are intermediaries, in [0, 1]")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *n < 0 {
		return usagef("-customers %d: want a number ≥ 0", *n)
	}
	from, err := parseDay("start", *start)
	if err != nil {
		return err
	}
	to, err := parseDay("end", *end)
	if err != nil {
		return err
	}
	if err := generateWindow(to); err != nil {
		return err
	}
	cfg := def
	cfg.Customers, cfg.Seed, cfg.Start, cfg.End, cfg.IntermediaryShare = *n, uint64(seed), from.Time(), to.Time(), *inter
	g, err := shopgen.New(cfg)
	if err != nil {
		if errors.Is(err, shopgen.ErrConfig) {
			return usagef("%v", err)
		}
		return err
	}
	o, err := createOutput(e, *out)
	if err != nil {
		return err
	}
	defer o.abort()
	// The potential customers of the shop (shopgen.Config.PotentialShare
	// of the consumers) interact but never buy, and a few others draw no
	// purchase before -end: they have no row, and the count reported is
	// that of the customers in the file.
	var written, silent int
	records := func(yield func(shopgen.Record) bool) {
		for rec := range g.All() {
			if hasRows(&rec) {
				written++
			} else {
				silent++
			}
			if !yield(rec) {
				return
			}
		}
	}
	rows, err := shopgen.WriteCSV(o, records, nil)
	if err != nil {
		return writeError(o.name(), err)
	}
	if err := o.commit(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "crm: wrote %s of %s to %s", counted(rows, "row"), customers(written), o.name())
	if silent > 0 {
		fmt.Fprintf(e.stderr, "; %d of the %d customers generated have no row (potential customers, who never buy, or a history without a purchase before -end)", silent, cfg.Customers)
	}
	fmt.Fprintln(e.stderr)
	return nil
}

// lastGenerateEnd is the last day of a history that crm generate writes
// (its first is firstRowDay, as parseDay checks): the catalogue of the
// shop is built for the year after the history too, and its labels have
// four-digit years.
var lastGenerateEnd = customer.DateFromYMD(9999, time.January, 1)

// generateWindow checks the -end of crm generate against lastGenerateEnd
// (parseDay refuses a -start before firstRowDay); the generator checks
// the rest (a window of four weeks at least). A day out of bounds is a
// usage error.
func generateWindow(to customer.Date) error {
	if to > lastGenerateEnd {
		return usagef("-end %s: want a day on or before %s", to, lastGenerateEnd)
	}
	return nil
}

// hasRows reports whether shopgen.WriteCSV writes a row of rec: a line
// of an order (a return's lines are lines of its orders).
func hasRows(rec *shopgen.Record) bool {
	for i := range rec.Orders {
		if len(rec.Orders[i].Lines) > 0 {
			return true
		}
	}
	return false
}

// seedFlag is the -seed flag: a whole number from −2^63 to 2^64 − 1,
// a negative S read as 2^64 + S, so that any seed a person types names a
// shop.
type seedFlag uint64

func (s *seedFlag) String() string { return strconv.FormatUint(uint64(*s), 10) }

func (s *seedFlag) Set(v string) error {
	if u, err := strconv.ParseUint(v, 10, 64); err == nil {
		*s = seedFlag(u)
		return nil
	}
	if i, err := strconv.ParseInt(v, 10, 64); err == nil {
		*s = seedFlag(i)
		return nil
	}
	return errors.New("want a whole number from -9223372036854775808 to 18446744073709551615")
}
