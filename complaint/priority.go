package complaint

// PriorityPolicy derives a case's priority from its severity and the
// customer's value class. It is the seam through which the value analysis
// (for example the segment package's quadrants) reaches the workflow
// without this package depending on how value is computed. It must be a
// pure function; an undefined result is replaced by [PriorityNormal].
type PriorityPolicy interface {
	Priority(s Severity, v ValueClass) Priority
}

// DefaultPriority is the default [PriorityPolicy]: severity low, medium,
// high and critical map to priority low, normal, high and urgent, and
// customers of high current value ([ValueHighCurrent], [ValueHighBoth])
// move up one step, at most to urgent — high-value customers first, since
// their outcome is fed back to them in particular (domain rules §5, from 003).
// An unclassified value class counts as [ValueLow].
//
//	severity \ value   low     high-potential  high-current  high-both
//	low                low     low             normal        normal
//	medium             normal  normal          high          high
//	high               high    high            urgent        urgent
//	critical           urgent  urgent          urgent        urgent
type DefaultPriority struct{}

// Priority implements [PriorityPolicy].
func (DefaultPriority) Priority(s Severity, v ValueClass) Priority {
	if !s.Valid() {
		return PriorityNormal
	}
	p := Priority(s)
	if (v == ValueHighCurrent || v == ValueHighBoth) && p < PriorityUrgent {
		p++
	}
	return p
}

// PriorityFunc adapts a function to a [PriorityPolicy].
type PriorityFunc func(Severity, ValueClass) Priority

// Priority implements [PriorityPolicy].
func (f PriorityFunc) Priority(s Severity, v ValueClass) Priority { return f(s, v) }
