package report

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/shopgen"
)

// With more calibration customers than 2·MaxTraining, the churn risk
// trains on MaxTraining of them (the first 2·MaxTraining in the order of
// their examples' content, every second one), and tests on the others
// of those.
func TestRiskTrainsOnAtMostMaxTraining(t *testing.T) {
	def := shopgen.DefaultConfig()
	full, err := Build(shop(t, 800, 5, def.Start, def.End), nil)
	require.NoError(t, err)
	capped, err := Build(shop(t, 800, 5, def.Start, def.End), &Options{MaxTraining: 60})
	require.NoError(t, err)
	re := regexp.MustCompile(`^fitted on (\d+) customers .*; on (\d+) others`)
	for i, k := range capped.Kinds {
		if k.Kind != customer.Consumer {
			continue
		}
		m := re.FindStringSubmatch(k.Churn.Note)
		require.NotNil(t, m, "%q", k.Churn.Note)
		assert.Equal(t, "60", m[1], k.Churn.Note)
		assert.Equal(t, "60", m[2], k.Churn.Note)
		fm := re.FindStringSubmatch(full.Kinds[i].Churn.Note)
		require.NotNil(t, fm, "%q", full.Kinds[i].Churn.Note)
		n, _ := strconv.Atoi(fm[1])
		assert.Greater(t, n, 60, "the shop has more than 120 calibration consumers")
		return
	}
	t.Fatal("no consumers")
}
