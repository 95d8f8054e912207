package churn

import (
	"fmt"
	"strconv"
)

// ModelKind names a model of this package, as the command-line tool spells
// it. The zero value is invalid.
type ModelKind uint8

// The models.
const (
	// ModelBGNBD is "bgnbd" (BGNBD), parameters r, alpha, a, b.
	ModelBGNBD ModelKind = iota + 1
	// ModelParetoNBD is "paretonbd" (ParetoNBD), parameters r, alpha, s, beta.
	ModelParetoNBD
	// ModelMBGNBD is "mbgnbd" (MBGNBD), parameters r, alpha, a, b.
	ModelMBGNBD
	// ModelGammaGamma is "gammagamma" (GammaGamma), parameters p, q, v.
	ModelGammaGamma
	// ModelBGBB is "bgbb" (BGBB), parameters alpha, beta, gamma, delta.
	ModelBGBB
)

// lastModel is the last valid ModelKind.
const lastModel = ModelBGBB

var kindNames = [...]string{ModelBGNBD: "bgnbd", ModelParetoNBD: "paretonbd", ModelMBGNBD: "mbgnbd", ModelGammaGamma: "gammagamma", ModelBGBB: "bgbb"}

// String returns the model's name, or "ModelKind(n)" for an invalid value.
func (k ModelKind) String() string {
	if k >= ModelBGNBD && k <= lastModel {
		return kindNames[k]
	}
	return "ModelKind(" + strconv.Itoa(int(k)) + ")"
}

// ParseModelKind parses "bgnbd", "paretonbd", "mbgnbd", "gammagamma" or
// "bgbb".
func ParseModelKind(s string) (ModelKind, error) {
	for k := ModelBGNBD; k <= lastModel; k++ {
		if kindNames[k] == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("churn: unknown model %q (want bgnbd, paretonbd, mbgnbd, gammagamma or bgbb): %w", s, ErrInvalidInput)
}

// MarshalText implements encoding.TextMarshaler; an invalid kind is an error.
func (k ModelKind) MarshalText() ([]byte, error) {
	if k < ModelBGNBD || k > lastModel {
		return nil, fmt.Errorf("churn: marshal %v: %w", k, ErrInvalidInput)
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *ModelKind) UnmarshalText(b []byte) error {
	v, err := ParseModelKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// TransactionFit is a fitted transaction model with its diagnostics, as
// returned by FitTransactionModel; BGNBDFit, ParetoNBDFit, MBGNBDFit and
// BGBBFit implement it.
type TransactionFit interface {
	// Transactions returns the fitted model.
	Transactions() TransactionModel
	// Params lists the parameters with their standard errors.
	Params() []Param
	// Diagnostics returns the fit diagnostics.
	Diagnostics() FitInfo
}

// Transactions returns the fitted model.
func (f BGNBDFit) Transactions() TransactionModel { return f.Model }

// Diagnostics returns the fit diagnostics.
func (f BGNBDFit) Diagnostics() FitInfo { return f.FitInfo }

// Transactions returns the fitted model.
func (f ParetoNBDFit) Transactions() TransactionModel { return f.Model }

// Diagnostics returns the fit diagnostics.
func (f ParetoNBDFit) Diagnostics() FitInfo { return f.FitInfo }

// Transactions returns the fitted model.
func (f MBGNBDFit) Transactions() TransactionModel { return f.Model }

// Diagnostics returns the fit diagnostics.
func (f MBGNBDFit) Diagnostics() FitInfo { return f.FitInfo }

// Diagnostics returns the fit diagnostics.
func (f GammaGammaFit) Diagnostics() FitInfo { return f.FitInfo }

// FitTransactionModel fits the transaction model kind (bgnbd, paretonbd,
// mbgnbd or bgbb) to g; see FitBGNBD for the errors. When the error is a
// *BoundaryError or *ConvergenceError the returned fit is non-nil and holds
// the best point reached; otherwise on error it is nil. A boundary fit is
// usable (its Transactions score customers like any fitted model) when
// [BoundaryError.Usable] reports true; keep it then (see [BoundaryError]).
func FitTransactionModel(kind ModelKind, g *Groups, opts *FitOptions) (TransactionFit, error) {
	var (
		fit TransactionFit
		err error
		ok  bool
	)
	switch kind {
	case ModelBGNBD:
		f, e := FitBGNBD(g, opts)
		fit, err, ok = f, e, f.params != nil
	case ModelParetoNBD:
		f, e := FitParetoNBD(g, opts)
		fit, err, ok = f, e, f.params != nil
	case ModelMBGNBD:
		f, e := FitMBGNBD(g, opts)
		fit, err, ok = f, e, f.params != nil
	case ModelBGBB:
		f, e := FitBGBB(g, opts)
		fit, err, ok = f, e, f.params != nil
	default:
		return nil, fmt.Errorf("churn: %v is not a transaction model: %w", kind, ErrInvalidInput)
	}
	if !ok {
		return nil, err
	}
	return fit, err
}
