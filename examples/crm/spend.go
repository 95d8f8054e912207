package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tailorcrm/tailor/churn"
	"github.com/tailorcrm/tailor/customer"
)

// Gamma-Gamma is fitted to each kind of customer on its own. Consumers
// and intermediaries (dealers, franchisees) spend on different scales —
// an order of a dealer is often worth a hundred of a shopper's — and the
// two kinds have different value models (domain rules §1). A pooled fit would
// give a one-time shopper, whose expected spend is the population's mean,
// the dealers' order sizes. The transaction model (BG/NBD and the others)
// stays pooled: its gamma heterogeneity of purchase rates spans both
// kinds, and intermediaries are too few in most shops for a fit of their
// own.

// kinds are the kinds of customer, in the order the fits are reported.
var kinds = [...]customer.Kind{customer.Consumer, customer.Intermediary}

// spendInput is the Gamma-Gamma input of a population, by kind.
type spendInput struct {
	groups  [customer.Intermediary + 1]*churn.SpendGroups // nil for a kind without customers
	present [customer.Intermediary + 1]bool               // the kind has customers to score
}

// group makes the spend groups of each kind from its (x, z̄) pairs, as
// churn.SpendGroupsOf does (taking them over); named maps an error about
// an entry of kind k to one naming the customer.
func (in *spendInput) group(pairs [customer.Intermediary + 1][]churn.SpendGroup, named func(k customer.Kind, err error) error) error {
	for _, k := range kinds {
		if len(pairs[k]) == 0 {
			continue
		}
		g, err := churn.SpendGroupsOf(pairs[k])
		if err != nil {
			return named(k, err)
		}
		in.groups[k] = g
	}
	return nil
}

// all returns the spend groups of every kind together: those of the one
// kind that has any, or a merged copy.
func (in *spendInput) all() (*churn.SpendGroups, error) {
	var only *churn.SpendGroups
	n := 0
	for _, k := range kinds {
		if in.groups[k] != nil {
			only = in.groups[k]
			n++
		}
	}
	switch n {
	case 0:
		return &churn.SpendGroups{}, nil
	case 1:
		return only, nil
	}
	all := &churn.SpendGroups{}
	for _, k := range kinds {
		if in.groups[k] != nil {
			if err := all.Merge(in.groups[k]); err != nil {
				return nil, err
			}
		}
	}
	return all, nil
}

// spendFits are the Gamma-Gamma fits by kind; a kind without a fit has
// nil, and notes say why.
type spendFits struct {
	byKind [customer.Intermediary + 1]*fitted
	notes  []string // to print on stderr, in order
}

// of returns the fit of customers of kind k, nil when there is none.
func (s *spendFits) of(k customer.Kind) *fitted {
	if int(k) >= len(s.byKind) {
		return nil
	}
	return s.byKind[k]
}

// any reports whether some kind has a fit.
func (s *spendFits) any() bool {
	for _, f := range s.byKind {
		if f != nil {
			return true
		}
	}
	return false
}

// fitSpend fits Gamma-Gamma to each kind present. With one kind it is the
// fit on all customers. A fit whose likelihood is highest at the edge of
// the parameter space (q and v without bound: the data show no spread of
// mean spend between customers, and each customer's expected spend tends
// to the kind's mean; or p without bound and v to 0: spend does not vary
// between a customer's transactions) keeps its best finite point, which
// churn.BoundaryError documents as a usable estimate, and a note says so.
// A kind whose own fit fails otherwise (too few repeat customers, say)
// uses the fit on all customers instead, and a note says so; when that
// fails too the kind has no fit. err is set only when no kind has a fit.
func fitSpend(in *spendInput) (spendFits, error) {
	var out spendFits
	var present []customer.Kind
	for _, k := range kinds {
		if in.present[k] {
			present = append(present, k)
		}
	}
	if len(present) <= 1 {
		g, err := in.all()
		if err != nil {
			return out, err
		}
		f, note, err := fitSpendModel(g)
		if err != nil {
			return out, err
		}
		for _, k := range present {
			out.byKind[k] = &f
		}
		out.notes = append(out.notes, spendLine("", f, note))
		return out, nil
	}
	// The fit on all customers, made when a kind's own fit fails, with
	// its note.
	type pooledFit struct {
		f    fitted
		note string
	}
	pooled := sync.OnceValues(func() (*pooledFit, error) {
		all, err := in.all()
		if err != nil {
			return nil, err
		}
		f, note, err := fitSpendModel(all)
		return &pooledFit{f, note}, err
	})
	var firstErr error
	for _, k := range present {
		g := in.groups[k]
		if g == nil {
			g = &churn.SpendGroups{}
		}
		f, note, err := fitSpendModel(g)
		if err == nil {
			out.byKind[k] = &f
			out.notes = append(out.notes, spendLine(plural(k), f, note))
			continue
		}
		firstErr = cmp.Or(firstErr, err)
		all, allErr := pooled()
		if allErr != nil {
			out.notes = append(out.notes, fmt.Sprintf("crm: gammagamma for %s: %v; on all customers: %v", plural(k), err, allErr))
			continue
		}
		out.byKind[k] = &all.f
		out.notes = append(out.notes, fmt.Sprintf("crm: gammagamma for %s: %v; they use the fit on all customers:", plural(k), err), spendLine("all customers", all.f, all.note))
	}
	for _, k := range present {
		if out.byKind[k] != nil {
			return out, nil
		}
	}
	return out, firstErr
}

// fitSpendModel fits Gamma-Gamma to g. A fit at the parameter boundary
// with finite, positive parameters is kept, with note (to append to its
// spendLine) saying so (see keepEdge); any other failure is an error.
func fitSpendModel(g *churn.SpendGroups) (f fitted, note string, err error) {
	return keepEdge(fitModel(modelGammaGamma, &population{spendG: g}))
}

// keepEdge keeps a fit whose likelihood is highest at the edge of the
// parameter space (a *churn.BoundaryError: a dropout probability or rate
// running to 0, or q and v of Gamma-Gamma without bound) when its best
// finite point has finite, positive parameters, which the error documents
// as a usable estimate of the limit; note then says so, to be appended to
// the line that reports the fit, and f.edge holds the error. Any other
// error is returned as it is.
func keepEdge(f fitted, err error) (fitted, string, error) {
	var be *churn.BoundaryError
	if !errors.As(err, &be) || !be.Usable() {
		return f, "", err
	}
	f.edge = be
	return f, edgeNote(be), nil
}

// edgeEnds returns the end each parameter of be.Names runs to, as the
// fit reports it (be.Limits): "0", or inf for +∞ ("∞" in text, "inf"
// in JSON; a parameter without a limit given runs to ∞).
func edgeEnds(be *churn.BoundaryError, inf string) []string {
	ends := make([]string, len(be.Names))
	for i := range be.Names {
		// The end the fit reports, judged relative to the data for a
		// scale such as Gamma-Gamma's v or BG/NBD's alpha.
		ends[i] = inf
		if i < len(be.Limits) && be.Limits[i] == 0 {
			ends[i] = "0"
		}
	}
	return ends
}

// edgeParts returns "a → 0", "b → ∞", … of the parameters at the edge be.
func edgeParts(be *churn.BoundaryError) []string {
	ends := edgeEnds(be, "∞")
	parts := make([]string, len(be.Names))
	for i, n := range be.Names {
		parts[i] = n + " → " + ends[i]
	}
	return parts
}

// edgeNote is the note of a fit kept at the boundary be: the parameters
// at the edge with the end each runs to (0 or ∞), and what the fit says
// the limit means (BoundaryError.Meaning: for instance that P(alive) is
// near 1 for every customer because nobody seems to leave), so that a
// reader does not take such a P(alive) for a finding about the customers.
func edgeNote(be *churn.BoundaryError) string {
	parts := edgeParts(be)
	meaning := ""
	if be.Meaning != "" {
		meaning = "; " + be.Meaning
	}
	return fmt.Sprintf(" (likelihood highest at the edge of the parameter space, %s: the best finite point is used%s)", strings.Join(parts, ", "), meaning)
}

// customers returns "1 customer" or "n customers".
func customers[N int | int64](n N) string { return counted(n, "customer") }

// counted returns n and the noun, in the plural unless n is 1: "1 row",
// "2 rows".
func counted[N int | int64](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// plural names the customers of kind k.
func plural(k customer.Kind) string {
	if k == customer.Intermediary {
		return "intermediaries"
	}
	return "consumers"
}

// spendLine reports a Gamma-Gamma fit on stderr; who is empty for the
// fit on the whole population, and note (of a fit kept at the edge,
// keepEdge) follows the figures, before what the fit means for the clv
// of customers without a repeat purchase.
func spendLine(who string, f fitted, note string) string {
	if who != "" {
		who = " for " + who
	}
	line := fmt.Sprintf("crm: gammagamma%s p=%s q=%s v=%s on %d repeat customers (%d excluded)",
		who, num(f.spend.P), num(f.spend.Q), num(f.spend.V), f.info.Customers, f.excluded) + note
	if f.spend.Q > 1 && !f.meanSpend && f.meanSpendROK {
		line += fmt.Sprintf("; the likelihood ratio does not tell q from 1 (signed root %s, not above 1.96), so the mean spend p·v/(q−1) is not determined: customers without a repeat purchase get no clv", num(f.meanSpendR))
	} else if f.spend.Q > 1 && !f.meanSpend {
		se := num(f.meanSpendSE)
		if !f.info.StdErrOK {
			// At the edge of the parameter space the fit has no standard
			// errors: q is judged by the least one it can have.
			se += ", the least a fit on " + customers(f.info.Customers) + " can have: the fit has none of its own"
		}
		line += fmt.Sprintf("; q is within 1.96 standard errors (%s) of 1, so the mean spend p·v/(q−1) is not determined: customers without a repeat purchase get no clv", se)
	}
	return line
}

// clvReason says why a customer has a clv or has none.
type clvReason int

const (
	clvOK       clvReason = iota
	clvInfinite           // the fit gives no finite expected spend: p·x + q ≤ 1
	clvNoMean             // no repeat purchase, and the fit does not determine the mean spend
	clvReasons
)

// clvCounts counts the customers without a clv, by the reason
// (clvCounts[clvOK] stays 0).
type clvCounts [clvReasons]atomic.Int64

// report writes a note on w for each reason that left customers with an
// empty clv.
func (c *clvCounts) report(w io.Writer) {
	for why := clvInfinite; why < clvReasons; why++ {
		if n := c[why].Load(); n > 0 {
			fmt.Fprintln(w, noCLVNote(n, why))
		}
	}
}

// customerCLV is churn.CLV of a customer with observation o and mean
// repeat spend z under the spend fit f: the Gamma-Gamma expected spend
// times dep, the customer's discounted expected purchases, which the
// caller computed for every customer at once (churn.CLV to the same bit;
// for a customer whose first purchase is on the last day, T = 0, that of
// a new customer, newDiscounted). why is not clvOK when f gives the
// customer no expected spend: Gamma-Gamma needs p·x + q > 1 (q > 1
// without a repeat purchase), which a fit with q ≤ 1 does not meet
// (clvInfinite); and a customer without a repeat purchase is given the
// population mean p·v/(q−1), which a fit whose q cannot be told from 1
// does not determine (clvNoMean,
// churn.GammaGammaFit.MeanSpendDetermined).
func customerCLV(f *fitted, o churn.Observation, z, dep float64) (v float64, why clvReason, err error) {
	m := &f.spend
	if o.Frequency == 0 && m.Q > 1 && !f.meanSpend {
		return 0, clvNoMean, nil
	}
	v, err = m.ConditionalExpectedSpend(o.Frequency, z)
	v *= dep
	if err == nil && !finite(v) {
		err = churn.ErrNumerical
	}
	if errors.Is(err, churn.ErrInvalidParams) {
		return 0, clvInfinite, nil
	}
	return v, clvOK, err
}

// noCLVNote explains the empty clv of n customers for the reason why.
func noCLVNote(n int64, why clvReason) string {
	have := " have"
	if n == 1 {
		have = " has"
	}
	if why == clvNoMean {
		return "crm: " + customers(n) + have + " an empty clv: without a repeat purchase their expected spend is the mean spend p·v/(q−1) of their kind, which its Gamma-Gamma fit does not determine (its q cannot be told from 1)"
	}
	return "crm: " + customers(n) + have + " an empty clv: the Gamma-Gamma fit of their kind gives them no finite expected spend (it needs p·x + q > 1, x their repeat purchases)"
}
