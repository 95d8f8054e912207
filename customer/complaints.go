package customer

import "time"

// ComplaintSignals summarise one customer's complaints as of an instant,
// in the form the churn risk consumes (domain rules §4: complaint records predict
// churn; 71% of customers who leave do so after a bad experience). The
// complaint package computes them from its cases; callers with their own
// complaint system fill them directly.
type ComplaintSignals struct {
	// Total is the number of complaints recorded up to the instant.
	Total int
	// Recent is the number of complaints made within Window before the
	// instant: counted from when the customer complained (a letter's
	// receipt), not from when the complaint was typed in.
	Recent int
	// Window is the length of the recent window (the complaint package
	// uses 90 days by default).
	Window time.Duration
	// Unresolved is the number of cases still open (not closed, rejected
	// or withdrawn).
	Unresolved int
	// SLABreaches is the number of cases that missed a service-level
	// deadline.
	SLABreaches int
	// Dissatisfied is the number of cases whose latest feedback, as of
	// the instant, was given within Window before it and says the
	// customer was not satisfied with how the case was handled:
	// perceived value below the expected value, or a satisfaction score
	// of 3 or less out of 5 (domain rules §5: satisfaction = perceived
	// value ÷ expected value; §4: a bad experience precedes most
	// departures). Cases without feedback do not count.
	Dissatisfied int
	// Escalated is the number of cases that a person escalated within
	// Window before the instant: cases with at least one escalation in
	// (instant − Window, instant] by someone other than an automated job,
	// such as staff raising the case because the customer asked for a
	// manager or threatened to complain in public. A case escalated
	// several times counts once, whatever its state now. Escalations by
	// an automated job (an SLA job escalating overdue cases, a routing
	// rule) do not count: they follow the service's own rules and delays,
	// the missed deadlines being counted by SLABreaches, not the
	// customer's pressure. Like Dissatisfied it looks only at the
	// window, as an escalation long past, on a case since settled, says
	// little about whether the customer leaves now (domain rules §4:
	// complaint records predict churn; a bad experience precedes most
	// departures).
	Escalated int
	// MaxSeverity is the highest severity among the recent complaints,
	// from 0 (none) through 1 (low) to 4 (critical).
	MaxSeverity int
	// Last is when the customer made the most recent complaint (its
	// receipt, as for Recent); zero when none.
	Last time.Time
}
