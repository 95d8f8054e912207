// Package report builds the visual report of the crm command: one
// self-contained HTML page (inline CSS and SVG, no script, no network)
// that a shop manager reads at a glance.
//
// # What it shows
//
//   - A headline: customers of each kind, orders, net revenue, the as-of
//     day, and how much revenue sits with customers at high churn risk.
//   - The four-quadrant chart of package segment, one panel per customer
//     kind: current against potential value per customer, the kind's mean
//     of each as the dividing lines (the quadrant thresholds), and per
//     quadrant the customers, their share of the kind's customers and of
//     its net revenue. Up to [Options].MaxPoints customers of a kind are
//     drawn as dots; beyond that the panel is a density grid (a square per
//     occupied cell, darker for more customers), so the file stays small
//     for a million customers. Below the panels, when the customers are
//     graded, the shares of the customer grades of each kind (strategic,
//     important, ordinary).
//   - Net revenue per customer on a logarithmic axis (spend is skewed:
//     a few customers buy a hundred times the median).
//   - The RFM heat map: recency score × frequency score, each cell with its
//     customers, mean monetary score and RFM segment.
//   - Lifecycle stages and shop types as bars, split by kind.
//   - The churn-risk histogram of package churn/risk, with the
//     early-warning bands.
//   - Expected against actual holdout purchases by calibration frequency
//     (churn.EvaluateHoldout), when the history is long enough to hold a
//     calibration period and a holdout period; otherwise the page says why.
//   - The customers most worth a call: high current value, high or
//     critical churn risk, largest net revenue first (of equal net
//     revenue, the higher risk first), with the reasons of
//     the risk model and the actions of segment.DefaultPlaybook for the
//     customer's churn-risk band — among them the retention contact that
//     learns what is wrong, the reasons saying what to ask about; the
//     actions that need consent are listed apart, after the others — and
//     its quadrant, grade (when graded), shop type and lifecycle stage.
//
// Under each chart, folded in a details element, its figures as a table
// with scoped header cells: a screen reader reads none of the text of an
// SVG drawn as an image, the kinds of the stacked bars differ by colour,
// and the quadrant table gives the exact net revenue of each quadrant (in
// the digits of the currency, never rounded) to check against the net
// column of crm segment and crm batch. The headline gives the exact net
// revenue beside its rounded figure. Text contrasts at least 4.5:1 with
// its background (WCAG 2.1, 1.4.3), the figures on the heat map's cells
// included.
//
// # Churn models
//
// With a holdout split (the calibration period ending [Options].Holdout
// days before the as-of day), each kind's MBG/NBD model (Batislam, Denizel
// & Filiztekin 2007; it lets one-time buyers leave, which BG/NBD does not)
// is fitted on the calibration period in weeks and checked on the holdout
// period, and the churn risk is fitted on who did not come back (risk.Fit,
// on every second customer in the order of their labelled examples'
// content, evaluated on the others, so that the split depends on the
// customers' facts and not on their IDs; too few labelled customers give
// the documented rules instead). Without a split the risk is
// the rule-based model (risk.Rules). Either way the risk of today is scored
// with P(alive) from an MBG/NBD model fitted on the whole history up to the
// as-of day.
//
// # Privacy and determinism
//
// The page names customers by their ID only; summaries carry no personal
// data. Every number is formatted with fixed precision, every list is
// sorted, so the same input gives the same bytes. The page is well-formed
// XML (void elements are closed, text is escaped), so tools without an
// HTML parser can read it.
package report
