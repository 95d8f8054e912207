// Package flagonce parses a command line in which a flag may be given
// once: the flag package takes the last of a flag given twice and drops
// the first silently (-in jan.csv -in feb.csv would read February
// alone). The commands of the examples parse their flags with it, so
// that they refuse such a command line alike.
package flagonce

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// TwiceError reports a flag given twice, with both values (a bool flag
// given alone has "true").
type TwiceError struct {
	Name        string
	First, Last string
}

// Error returns `-in given twice ("a.csv", then "b.csv")`.
func (e *TwiceError) Error() string {
	return fmt.Sprintf("-%s given twice (%q, then %q)", e.Name, e.First, e.Last)
}

// Parse parses args into fs. A flag for which once reports true (every
// flag when once is nil) given a second time stops the parse with a
// *TwiceError; any other error is that of fs.Parse, flag.ErrHelp for -h.
// Parse prints nothing and never exits, whatever the error handling of
// fs: it leaves fs's error handling, output, usage and flag values as
// they were. Arguments left after the flags are fs.Args, as after
// fs.Parse.
func Parse(fs *flag.FlagSet, args []string, once func(name string) bool) error {
	name, handling, output, usage := fs.Name(), fs.ErrorHandling(), fs.Output(), fs.Usage
	fs.Init(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // Parse calls it on every error
	var twice *value
	restore := map[*flag.Flag]flag.Value{}
	fs.VisitAll(func(f *flag.Flag) {
		if once == nil || once(f.Name) {
			restore[f] = f.Value
			f.Value = &value{Value: f.Value, name: f.Name, twice: &twice}
		}
	})
	err := fs.Parse(args)
	for f, v := range restore {
		f.Value = v
	}
	fs.Init(name, handling)
	fs.SetOutput(output)
	fs.Usage = usage
	if twice != nil {
		return &TwiceError{Name: twice.name, First: twice.first, Last: twice.last}
	}
	return err
}

// value is a flag's value while Parse parses: the first Set sets the
// value, a second is an error, recorded in twice (the flag package words
// the error of a Set as that of a bad value).
type value struct {
	flag.Value
	name        string
	first, last string // the values given, once set
	set         bool
	twice       **value
}

// Set sets the value the first time, and fails after.
func (v *value) Set(s string) error {
	if v.set {
		v.last, *v.twice = s, v
		return errors.New("given twice")
	}
	v.set, v.first = true, s
	return v.Value.Set(s)
}

// IsBoolFlag is that of the flag's value, so that a bool flag takes no
// argument.
func (v *value) IsBoolFlag() bool {
	b, ok := v.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
