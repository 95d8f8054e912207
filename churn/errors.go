package churn

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

var (
	// ErrInvalidInput is matched (errors.Is) by every *InputError.
	ErrInvalidInput = errors.New("churn: invalid input")
	// ErrInsufficientData means the population cannot identify the model,
	// e.g. no customer has a repeat purchase. A rule-based score (recency
	// alone) is the fallback.
	ErrInsufficientData = errors.New("churn: insufficient data to fit the model")
	// ErrInvalidParams means a model's parameters are not finite and positive
	// (or violate a model-specific condition such as q > 1 for the
	// Gamma-Gamma population mean).
	ErrInvalidParams = errors.New("churn: invalid model parameters")
	// ErrNoConvergence is matched by every *ConvergenceError.
	ErrNoConvergence = errors.New("churn: fit did not converge")
	// ErrBoundary is matched by every *BoundaryError.
	ErrBoundary = errors.New("churn: maximum likelihood on the parameter boundary")
	// ErrNumerical means a quantity could not be computed to full accuracy
	// in finite arithmetic (e.g. a hypergeometric series that does not
	// converge within its term budget for an extreme horizon).
	ErrNumerical = errors.New("churn: numerical evaluation failed")
)

// ConvergenceError reports a fit that stopped before meeting its
// convergence criterion (iteration budget exhausted or the line search could
// not improve the likelihood). It carries the best point reached.
type ConvergenceError struct {
	// Model is the model name ("bgnbd", ...).
	Model string
	// Reason says why the optimiser stopped.
	Reason string
	// LogLikelihood is the total log-likelihood at Params.
	LogLikelihood float64
	// GradientNorm is the max-norm of the gradient of the mean
	// log-likelihood per customer with respect to the log-parameters.
	GradientNorm float64
	// Iterations is the number of quasi-Newton iterations done.
	Iterations int
	// Params are the parameters reached, named as in Params().
	Params []Param
}

// Error implements error.
func (e *ConvergenceError) Error() string {
	return fmt.Sprintf("churn: %s fit did not converge after %d iterations (%s): loglik %.6f, gradient norm %.3g, params %s",
		e.Model, e.Iterations, e.Reason, e.LogLikelihood, e.GradientNorm, formatParams(e.Params))
}

// Unwrap lets errors.Is(err, ErrNoConvergence) match.
func (e *ConvergenceError) Unwrap() error { return ErrNoConvergence }

// BoundaryError reports a fit whose likelihood keeps increasing towards the
// edge of the parameter space (a parameter running to 0 or to +∞, e.g. a
// dropout probability or rate → 0): a parameter ends beyond e^±18 (≈ 1.5e-8
// or 6.6e7), or beyond e^±9.2 (≈ 1e-4 or 1e4) on a ridge the data cannot
// resolve: its log-scale standard error is above 2, the observed
// information matrix is not positive definite, or the line search stalled
// there because the likelihood changes by less than its rounding noise.
// For the transaction models (BG/NBD, MBG/NBD, Pareto/NBD, BG/BB) a fit
// is at the boundary too when it met its convergence criterion, or its
// line search stalled, with a parameter beyond e^±9.2 of its own scale
// or a mixing distribution at a limit (its mean within e^-9.2 of an end,
// or its spread gone), since finite-difference standard errors cannot
// tell a flat ridge from a pinned value there. Names lists the
// parameters that end so. The fit returned with it holds
// the best finite point found, which is a usable but not unique estimate
// (its likelihood is that of the limit to within the rounding noise, or,
// where the likelihood grows without bound towards the edge, that where
// the parameter range ends: see [FitGammaGamma]); its
// standard errors are 0 when a parameter is beyond e^±18 or the information
// matrix is not positive definite. Usable means that [BoundaryError.Usable]
// reports true: the model of that fit then scores customers, predicts and
// enters [CLV] like any fitted model, within each method's own conditions
// (such as q > 1 for [GammaGamma.ExpectedSpend]). Callers keep the fit
// when errors.As(err, &be) && be.Usable(), and treat only other errors as
// failures (see the example).
type BoundaryError struct {
	// Model is the model name.
	Model string
	// Names lists the parameters at the boundary.
	Names []string
	// Limits gives, for each of Names in order, the end that parameter
	// runs to: 0 or +Inf. Whether a scale parameter (the γ of
	// Gamma-Gamma, named "v"; the time scales α and β of BG/NBD, MBG/NBD
	// and Pareto/NBD) runs to 0 or to ∞ is judged relative to the data
	// (γ to the mean spend, α to ΣT/Σx, β to the mean T), not by its
	// value in the caller's unit.
	// Nil in an error built without it.
	Limits []float64
	// Meaning says, where the model states it, what the limit means for
	// the model's predictions (e.g. for Gamma-Gamma with p → ∞: spend does
	// not vary between a customer's transactions, so each repeat
	// customer's expected spend is their own mean; for BG/NBD with a → 0:
	// nobody seems to leave, P(alive) is near 1 for every customer).
	// Each Fit function lists its model's meanings. Empty otherwise.
	Meaning string
	// LogLikelihood is the total log-likelihood reached.
	LogLikelihood float64
	// Params are the parameters reached.
	Params []Param
}

// Error implements error.
func (e *BoundaryError) Error() string {
	s := fmt.Sprintf("churn: %s fit: likelihood maximised at the parameter boundary (%s): loglik %.6f, params %s",
		e.Model, strings.Join(e.Names, ", "), e.LogLikelihood, formatParams(e.Params))
	if e.Meaning != "" {
		s += ": " + e.Meaning
	}
	return s
}

// Unwrap lets errors.Is(err, ErrBoundary) match.
func (e *BoundaryError) Unwrap() error { return ErrBoundary }

// Usable reports whether the point reached can stand for the limit: its
// log-likelihood is finite and every parameter finite and positive, as
// the models need them. A caller that accepts a boundary fit keeps the
// fit returned with the error only then.
func (e *BoundaryError) Usable() bool {
	if math.IsNaN(e.LogLikelihood) || math.IsInf(e.LogLikelihood, 0) || len(e.Params) == 0 {
		return false
	}
	for _, p := range e.Params {
		if math.IsNaN(p.Value) || math.IsInf(p.Value, 0) || p.Value <= 0 {
			return false
		}
	}
	return true
}

// OptionError reports a bad field of [FitOptions]: a negative
// MaxIterations, a GradientTolerance that is negative or not finite, or a
// start value that is missing, not finite and positive, or beyond the
// parameter range. It matches [ErrInvalidInput], and the fit that gets it
// does nothing.
type OptionError struct {
	// Field is the option's name: "MaxIterations", "GradientTolerance" or
	// "Start" (with Index the position of the start value).
	Field string
	// Index is the position of a bad start value; -1 for other fields.
	Index int
	// Value is the bad value (for Start of the wrong length, the length).
	Value float64
	// Reason says what is wrong.
	Reason string
}

// Error returns, for example, "churn: option Start[1] = -5: must be
// finite and positive".
func (e *OptionError) Error() string {
	field := e.Field
	if e.Index >= 0 {
		field = fmt.Sprintf("%s[%d]", e.Field, e.Index)
	}
	return fmt.Sprintf("churn: option %s = %v: %s", field, e.Value, e.Reason)
}

// Unwrap lets errors.Is(err, ErrInvalidInput) match.
func (e *OptionError) Unwrap() error { return ErrInvalidInput }

func formatParams(ps []Param) string {
	var sb strings.Builder
	for i, p := range ps {
		if i > 0 {
			sb.WriteString(" ")
		}
		fmt.Fprintf(&sb, "%s=%.6g", p.Name, p.Value)
	}
	return sb.String()
}
