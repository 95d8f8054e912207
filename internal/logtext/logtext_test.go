package logtext_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/tailorcrm/tailor/internal/logtext"
)

type text string

func (s text) Format(f fmt.State, verb rune) { logtext.Format(f, verb, string(s)) }

func TestFormat(t *testing.T) {
	s := text(`say "hi"`)
	assert.Equal(t, `say "hi"`, fmt.Sprintf("%s", s))
	assert.Equal(t, `say "hi"`, fmt.Sprintf("%v", s))
	assert.Equal(t, `"say \"hi\""`, fmt.Sprintf("%q", s))
	assert.Equal(t, `"say \"hi\""`, fmt.Sprintf("%#v", s))
}

func TestCount(t *testing.T) {
	assert.Equal(t, "0 orders", logtext.Count(0, "order", "orders"))
	assert.Equal(t, "1 order", logtext.Count(1, "order", "orders"))
	assert.Equal(t, "12 orders", logtext.Count(12, "order", "orders"))
}

func TestTime(t *testing.T) {
	assert.Equal(t, "unknown", logtext.Time(time.Time{}))
	assert.Equal(t, "2026-03-01T09:30:00.5+01:00", logtext.Time(time.Date(2026, 3, 1, 9, 30, 0, 5e8, time.FixedZone("", 3600))))
}

func ExampleCount() {
	fmt.Println(logtext.Count(1, "wait", "waits"), logtext.Count(2, "wait", "waits"))
	// Output: 1 wait 2 waits
}
