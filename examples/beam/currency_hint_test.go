package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCurrencyFlagErrorsMatchCRM: a -currency that is a name of the
// renminbi (RMB, 人民币), its sign, or a code in full-width letters is
// refused with crm's words, its hint on what to write among them.
func TestCurrencyFlagErrorsMatchCRM(t *testing.T) {
	bin := crmBinary(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "orders.csv")
	require.NoError(t, os.WriteFile(in, []byte("customer_id,date,amount\nc1,2025-01-01,10\n"), 0o644))
	for _, code := range []string{"EURO", "RMB", "人民币", "￥", "ＣＮＹ"} {
		t.Run(code, func(t *testing.T) {
			out := runCRMFails(t, bin, "segment", "-in", in, "-as-of", parityAsOf, "-out", filepath.Join(dir, "crm.csv"), "-currency", code)
			m := regexp.MustCompile(`crm segment: (-currency: .*)`).FindStringSubmatch(out)
			require.NotNil(t, m, "crm's usage error: %s", out)
			for k, v := range map[string]string{"in": in, "out": filepath.Join(dir, "beam.csv"), "as-of": parityAsOf, "currency": code} {
				require.NoError(t, flag.Set(k, v))
			}
			t.Cleanup(func() {
				for _, k := range []string{"in", "out", "as-of"} {
					require.NoError(t, flag.Set(k, ""))
				}
				require.NoError(t, flag.Set("currency", flag.Lookup("currency").DefValue))
			})
			_, err := configFromFlags()
			require.Error(t, err)
			assert.Equal(t, m[1], err.Error())
		})
	}
}

// TestKindFlagErrorsMatchCRM: a -kind that is no kind, or a kind written
// in Chinese, is refused with crm's words, the Chinese one with its hint
// on what to write.
func TestKindFlagErrorsMatchCRM(t *testing.T) {
	bin := crmBinary(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "orders.csv")
	require.NoError(t, os.WriteFile(in, []byte("customer_id,date,amount\nc1,2025-01-01,10\n"), 0o644))
	for _, kind := range []string{"robot", "零售", "经销商", ""} {
		t.Run(kind, func(t *testing.T) {
			out := runCRMFails(t, bin, "segment", "-in", in, "-as-of", parityAsOf, "-out", filepath.Join(dir, "crm.csv"), "-kind", kind)
			m := regexp.MustCompile(`crm segment: (-kind .*)`).FindStringSubmatch(out)
			require.NotNil(t, m, "crm's usage error: %s", out)
			for k, v := range map[string]string{"in": in, "out": filepath.Join(dir, "beam.csv"), "as-of": parityAsOf, "kind": kind} {
				require.NoError(t, flag.Set(k, v))
			}
			t.Cleanup(func() {
				for _, k := range []string{"in", "out", "as-of"} {
					require.NoError(t, flag.Set(k, ""))
				}
				require.NoError(t, flag.Set("kind", flag.Lookup("kind").DefValue))
			})
			_, err := configFromFlags()
			require.Error(t, err)
			assert.Equal(t, m[1], err.Error())
		})
	}
}
