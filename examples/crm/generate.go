package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/tailorcrm/tailor/internal/shopgen"
)

func runGenerate(e *env, args []string) error {
	fs := newFlags(e, "generate", "-customers N -seed S -out FILE [-start YYYY-MM-DD] [-end YYYY-MM-DD] [-intermediaries SHARE]")
	def := shopgen.DefaultConfig()
	n := fs.Int("customers", def.Customers, "number of customers `N`, consumers and intermediaries")
	seed := fs.Uint64("seed", def.Seed, "`seed` of the shop: the same flags give the same file, byte for byte")
	out := fs.String("out", "", "output `file` (default stdout)")
	start := fs.String("start", def.Start.Format(time.DateOnly), "first day of the history, `YYYY-MM-DD`")
	end := fs.String("end", def.End.Format(time.DateOnly), "day after the last day of the history, `YYYY-MM-DD`")
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
	cfg := def
	cfg.Customers, cfg.Seed, cfg.Start, cfg.End, cfg.IntermediaryShare = *n, *seed, from.Time(), to.Time(), *inter
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
	rows, err := shopgen.WriteCSV(o, g.All(), nil)
	if err != nil {
		return writeError(o.name(), err)
	}
	if err := o.commit(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "crm: wrote %s of %s to %s\n", counted(rows, "row"), customers(cfg.Customers), o.name())
	return nil
}
