package idtext_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer"
	"github.com/tailorcrm/tailor/internal/idtext"
)

func TestQuoteAndCut(t *testing.T) {
	assert.Equal(t, `"C-1\x00"`, idtext.Quote("C-1\x00"))
	long := "C-" + strings.Repeat("x", 1000)
	assert.Equal(t, fmt.Sprintf("%q… (1002 bytes)", long[:24]), idtext.Quote(long))

	msg := fmt.Sprintf("customer %q: id %s is too long", long, long)
	got := idtext.Cut(msg, long)
	assert.Equal(t, fmt.Sprintf("customer %s: id %s… is too long", idtext.Quote(long), long[:24]), got)
	assert.Equal(t, strings.Repeat("y", 400)+"…", idtext.Cut(strings.Repeat("y", 500), "C-1"))
	assert.Equal(t, "<nil>", idtext.Err(nil, long))
	assert.Equal(t, "plain", idtext.Err(errors.New("plain"), long))
}

func TestRefusal(t *testing.T) {
	ve := &customer.ValidationError{Record: `customer "C-1\x00"`, Fields: []customer.FieldError{{Field: "id", Code: customer.CodeFormat}}}
	got, msg := idtext.Refusal(fmt.Errorf("store: %w", ve), "C-1\x00", "Put", "record")
	require.Empty(t, msg)
	assert.Same(t, ve, got)

	got, msg = idtext.Refusal(errors.New("index row too big"), "C-1\x00", "Put", "record")
	assert.Nil(t, got)
	assert.Equal(t, "Put = index row too big, want nil (the ID kept as given) or an error matching customer.ErrInvalid", msg)

	got, msg = idtext.Refusal(fmt.Errorf("bad: %w", customer.ErrInvalid), "C-1\x00", "Append", "entry")
	assert.Nil(t, got)
	assert.Equal(t, "Append = bad: invalid record, want a *customer.ValidationError naming the entry and the field", msg)
}
