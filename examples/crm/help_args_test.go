package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// crm help help and crm help -h print the usage, as crm help does, rather
// than calling help or -h an unknown subcommand; crm help with more than
// one subcommand is a usage error naming what is extra, not the first
// one's flags with the rest dropped unsaid.
func TestHelpOfHelpAndExtraArguments(t *testing.T) {
	usage := crm(t, "", "help")
	for _, h := range []string{"help", "-h", "-help", "--help"} {
		assert.Equal(t, usage, crm(t, "", "help", h), "crm help %s", h)
	}
	r := crm(t, "", "help", "batch", "segment")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `"segment"`)
	assert.Contains(t, r.stderr, "crm help SUBCOMMAND")
	assert.Empty(t, r.stdout)
}
