package main

import (
	"encoding/csv"
	"strconv"

	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/segment"
)

// segmentColumns are the columns of crm segment, in order (the command's contract); the
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
	t, out, err := f.scanTo(e, asOf, *outPath, "-as-of")
	if err != nil {
		return err
	}
	defer out.abort()
	if err := writeSegmentsTable(out, t); err != nil {
		return writeError(out.name(), err)
	}
	return out.commit()
}

// fitSegments fits the segmentation of package segment with its default
// options to the summaries, in the two passes of fit-then-apply (value and
// RFM statistics per kind, then the quadrant thresholds: the mean value of
// each kind). Observations are recomputed in each pass rather than kept,
// so memory stays with the summaries.
func fitSegments(sums []*customer.Summary) (*segment.Model, error) {
	st, err := segment.NewStats(nil)
	if err != nil {
		return nil, err
	}
	var o segment.Observation
	for _, s := range sums {
		if err := segment.Observe(segment.Input{Summary: s}, &o); err != nil {
			return nil, err
		}
		if err := st.Add(&o); err != nil {
			return nil, err
		}
	}
	sc, err := st.Scoring()
	if err != nil {
		return nil, err
	}
	ts := sc.NewThresholdStats()
	for _, s := range sums {
		if err := segment.Observe(segment.Input{Summary: s}, &o); err != nil {
			return nil, err
		}
		if err := ts.Add(&o); err != nil {
			return nil, err
		}
	}
	return ts.Model()
}

// writeSegments classifies every customer and writes one row each, in
// the order of sums (sorted by customer ID).
func writeSegments(out *output, sums []*customer.Summary) error {
	m, err := fitSegments(sums)
	if err != nil {
		return err
	}
	w := csv.NewWriter(out)
	if err := w.Write(segmentColumns); err != nil {
		return err
	}
	rec := make([]string, len(segmentColumns))
	var o segment.Observation
	var r segment.Result
	for _, s := range sums {
		if err := segment.Observe(segment.Input{Summary: s}, &o); err != nil {
			return err
		}
		if err := m.Classify(&r, &o); err != nil {
			return err
		}
		rec[0] = string(s.CustomerID)
		rec[1] = s.Kind.String()
		rec[2], rec[3], rec[4] = num(r.Value.Current), num(r.Value.Potential), num(r.Value.Total)
		rec[5] = r.Quadrant.String()
		rec[6] = strconv.Itoa(int(r.RFM.R))
		rec[7] = strconv.Itoa(int(r.RFM.F))
		rec[8] = strconv.Itoa(int(r.RFM.M))
		rec[9] = r.RFM.Segment.String()
		rec[10], rec[11] = r.Stage.String(), r.ShopType.String()
		rec[12] = strconv.Itoa(s.Orders)
		rec[13] = s.Net().String()
		rec[14] = string(s.Currency)
		if err := w.Write(rec); err != nil {
			return writeError(out.name(), err)
		}
	}
	w.Flush()
	return w.Error()
}
