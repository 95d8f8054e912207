package flagonce

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newSet() (*flag.FlagSet, *string, *bool) {
	fs := flag.NewFlagSet("x", flag.ExitOnError)
	s := fs.String("s", "", "")
	b := fs.Bool("b", false, "")
	fs.String("free", "", "")
	return fs, s, b
}

func TestParse(t *testing.T) {
	fs, s, b := newSet()
	require.NoError(t, Parse(fs, []string{"-s", "v", "-b", "-free", "1", "-free", "2", "rest"}, func(n string) bool { return n != "free" }))
	assert.Equal(t, "v", *s)
	assert.True(t, *b)
	assert.Equal(t, "2", fs.Lookup("free").Value.String(), "a flag outside once keeps the flag package's rule")
	assert.Equal(t, []string{"rest"}, fs.Args())
	assert.Equal(t, flag.ExitOnError, fs.ErrorHandling(), "error handling restored")
	_, wrapped := fs.Lookup("s").Value.(*value)
	assert.False(t, wrapped, "values restored")
}

func TestParseTwice(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want TwiceError
	}{
		{[]string{"-s", "a", "-s", "b"}, TwiceError{"s", "a", "b"}},
		{[]string{"-b", "-s", "a", "-b"}, TwiceError{"b", "true", "true"}},
		{[]string{"-free", "1", "-free", "2"}, TwiceError{"free", "1", "2"}},
	} {
		fs, _, _ := newSet()
		fs.SetOutput(io.Discard)
		err := Parse(fs, tc.args, nil)
		var te *TwiceError
		require.True(t, errors.As(err, &te), "%v: %v", tc.args, err)
		assert.Equal(t, tc.want, *te)
	}
	assert.Equal(t, `-s given twice ("a", then "b")`, (&TwiceError{"s", "a", "b"}).Error())
}

func TestParseErrors(t *testing.T) {
	fs, _, _ := newSet()
	assert.ErrorIs(t, Parse(fs, []string{"-h"}, nil), flag.ErrHelp)
	err := Parse(fs, []string{"-nope"}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-nope")
}

func ExampleParse() {
	fs := flag.NewFlagSet("crm", flag.ContinueOnError)
	in := fs.String("in", "", "input file")
	err := Parse(fs, []string{"-in", "jan.csv", "-in", "feb.csv"}, nil)
	fmt.Println(*in)
	fmt.Println(err)
	// Output:
	// jan.csv
	// -in given twice ("jan.csv", then "feb.csv")
}
