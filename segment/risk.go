package segment

import (
	"encoding/json"
	"fmt"

	"github.com/tailorcrm/tailor/churn/risk"
)

// Risk is what the playbook reads of a customer's churn risk (package
// churn/risk): its early-warning band, and whether a complaint is among
// the reasons of it. Classification does not compute it: a host that
// scores the risk sets [Result].Risk with [RiskOf]. The zero Risk is not
// known, and the playbook then recommends what the segments alone call
// for.
type Risk struct {
	// Band is the risk's early-warning band; zero when not known.
	Band risk.Band
	// Complaint is true when a complaint is behind the risk: one of the
	// complaint signals (recent, unresolved, escalated, dissatisfied or
	// past-deadline complaints, their severity or recency) is among the
	// reasons of it. The playbook then recommends better service rather
	// than an offer (domain rules §4, 000: 提供优惠、改进服务).
	Complaint bool
}

// RiskOf returns the Risk of a churn risk result: its band, and whether a
// complaint feature is among its reasons ([risk.Result].Reasons, the
// features that raised the risk most — a complaint that did not raise it
// is not what is wrong). A nil result is the zero Risk, not known.
func RiskOf(r *risk.Result) Risk {
	if r == nil {
		return Risk{}
	}
	out := Risk{Band: r.Band}
	for _, reason := range r.Reasons {
		for _, f := range reason.Features {
			if complaintFeature(f) {
				out.Complaint = true
			}
		}
	}
	return out
}

// complaintFeature reports whether f is one of the complaint signals of
// the risk model ([risk.Feature]).
func complaintFeature(f risk.Feature) bool {
	switch f {
	case risk.FeatureRecentComplaints, risk.FeatureUnresolved, risk.FeatureSLABreaches, risk.FeatureSeverity,
		risk.FeatureComplaintRecency, risk.FeatureDissatisfied, risk.FeatureEscalated:
		return true
	}
	return false
}

// riskJSON is the JSON form of a Risk.
type riskJSON struct {
	Band      string `json:"band"`
	Complaint bool   `json:"complaint"`
}

// MarshalJSON implements [json.Marshaler]: {"band":"high","complaint":true}.
// The band not known (zero) is the empty text, so that a result without
// a risk encodes; any other undefined band is an error.
func (k Risk) MarshalJSON() ([]byte, error) {
	j := riskJSON{Complaint: k.Complaint}
	if k.Band != 0 {
		b, err := k.Band.MarshalText()
		if err != nil {
			return nil, fmt.Errorf("segment: churn risk: %w", err)
		}
		j.Band = string(b)
	}
	return json.Marshal(j)
}

// UnmarshalJSON implements [json.Unmarshaler]: the form of
// [Risk.MarshalJSON], the empty band the zero one; null changes nothing.
// A band that names none is an error and leaves k as it was.
func (k *Risk) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	var j riskJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("segment: churn risk: %w", err)
	}
	v := Risk{Complaint: j.Complaint}
	if j.Band != "" {
		b, err := risk.ParseBand(j.Band)
		if err != nil {
			return fmt.Errorf("segment: churn risk: %w", err)
		}
		v.Band = b
	}
	*k = v
	return nil
}
