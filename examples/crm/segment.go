package main

import (
	"encoding/csv"
	"fmt"
	"strconv"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/value"
)

// segmentColumns are the columns of crm segment, in order (CLI.md); the
// columns after shop_type are extra.
var segmentColumns = []string{
	"customer_id", "kind", "current_value", "potential_value", "total_value", "quadrant",
	"r", "f", "m", "rfm_segment", "lifecycle", "shop_type",
	"orders", "net", "currency",
}

func runSegment(e *env, args []string) error {
	fs := newFlags(e, "segment", "-in FILE [-format csv|cdnow] -as-of YYYY-MM-DD [-out FILE]")
	var f inputFlags
	f.register(fs)
	asOfFlag := fs.String("as-of", "", "day of the analysis, `YYYY-MM-DD` (required): later rows are left out and counted")
	outPath := fs.String("out", "", "output `file` (default stdout)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	asOf, err := parseDay("as-of", *asOfFlag)
	if err != nil {
		return err
	}
	src, err := f.open(e, asOf)
	if err != nil {
		return err
	}
	out, err := createOutput(e, *outPath)
	if err != nil {
		src.close()
		return err
	}
	defer out.abort()
	res, err := src.summarize(e, "-as-of")
	if err != nil {
		return err
	}
	rows, err := segmentRows(res.Summaries)
	if err != nil {
		return err
	}
	if err := writeSegments(out, res.Summaries, rows); err != nil {
		return err
	}
	return out.commit()
}

// segmentRow is what crm segment computes for one customer.
type segmentRow struct {
	score     value.Score
	rfm       value.RFMScore
	quadrant  string
	lifecycle string
	shopType  string
}

// kindModels are the fitted models of one kind of customer.
type kindModels struct {
	stats    *value.Stats
	rfmStats *value.RFMStats
	scorer   *value.Scorer
	rfm      *value.RFMScorer
	// sumCurrent and sumPotential add up the scores of the kind; scores
	// are multiples of value.Unit, so the sums are exact in any order
	// for fewer than 2^20 customers, and so are the means.
	sumCurrent, sumPotential float64
	n                        int
}

// segmentRows fits the value and RFM models per kind of customer (fit,
// then apply: the first pass gathers the population statistics, the
// second scores) and classifies every customer.
func segmentRows(sums []*customer.Summary) ([]segmentRow, error) {
	models := map[customer.Kind]*kindModels{}
	var x value.Indicators
	for _, s := range sums {
		km := models[s.Kind]
		if km == nil {
			st, err := value.NewStats(value.DefaultModel(s.Kind))
			if err != nil {
				return nil, err
			}
			rs, err := value.NewRFMStats(s.Kind, nil)
			if err != nil {
				return nil, err
			}
			km = &kindModels{stats: st, rfmStats: rs}
			models[s.Kind] = km
		}
		if err := value.Extract(s, nil, &x); err != nil {
			return nil, err
		}
		if err := km.stats.Add(&x); err != nil {
			return nil, err
		}
		if err := km.rfmStats.Add(&x); err != nil {
			return nil, err
		}
	}
	for _, km := range models {
		sc, err := km.stats.Scorer()
		if err != nil {
			return nil, err
		}
		km.scorer, km.rfm = sc, km.rfmStats.Scorer()
		km.stats, km.rfmStats = nil, nil
	}
	rows := make([]segmentRow, len(sums))
	for i, s := range sums {
		km := models[s.Kind]
		if err := value.Extract(s, nil, &x); err != nil {
			return nil, err
		}
		r := &rows[i]
		if err := km.scorer.ScoreInto(&r.score, &x); err != nil {
			return nil, err
		}
		rfm, err := km.rfm.Score(&x)
		if err != nil {
			return nil, err
		}
		r.rfm = rfm
		km.sumCurrent += r.score.Current
		km.sumPotential += r.score.Potential
		km.n++
	}
	for i, s := range sums {
		km := models[s.Kind]
		r := &rows[i]
		r.quadrant = quadrant(r.score.Current, r.score.Potential, km.sumCurrent/float64(km.n), km.sumPotential/float64(km.n))
	}
	return rows, nil
}

// quadrant is the class of SEEDS §3.1: current and potential value each
// high when above the mean of the customer's kind.
func quadrant(cur, pot, meanCur, meanPot float64) string {
	switch hc, hp := cur > meanCur, pot > meanPot; {
	case hc && hp:
		return "high-value"
	case hp:
		return "potential-value"
	case hc:
		return "secondary-value"
	}
	return "low-value"
}

func writeSegments(out *output, sums []*customer.Summary, rows []segmentRow) error {
	w := csv.NewWriter(out)
	if err := w.Write(segmentColumns); err != nil {
		return err
	}
	rec := make([]string, len(segmentColumns))
	for i, s := range sums {
		r := &rows[i]
		rec[0] = string(s.CustomerID)
		rec[1] = s.Kind.String()
		rec[2], rec[3], rec[4] = num(r.score.Current), num(r.score.Potential), num(r.score.Total)
		rec[5] = r.quadrant
		rec[6] = strconv.Itoa(int(r.rfm.R))
		rec[7] = strconv.Itoa(int(r.rfm.F))
		rec[8] = strconv.Itoa(int(r.rfm.M))
		rec[9] = r.rfm.Segment.String()
		rec[10], rec[11] = r.lifecycle, r.shopType
		rec[12] = strconv.Itoa(s.Orders)
		rec[13] = s.Net().String()
		rec[14] = string(s.Currency)
		if err := w.Write(rec); err != nil {
			return fmt.Errorf("write %s: %w", out.name(), err)
		}
	}
	w.Flush()
	return w.Error()
}
