package main

import (
	"errors"
)

func runSegment(e *env, args []string) error {
	fs := newFlags(e, "segment", "-in FILE [-format csv|cdnow] -as-of YYYY-MM-DD [-out FILE]")
	var f inputFlags
	f.register(fs)
	asOfFlag := fs.String("as-of", "", "day of the analysis, `YYYY-MM-DD` (required): later rows are left out and counted")
	outPath := fs.String("out", "", "output `file` (default stdout)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	asOf, err := parseDay("as-of", *asOfFlag)
	if err != nil {
		return err
	}
	src, err := f.open(e, asOf)
	if err != nil {
		return err
	}
	out, err := createOutput(e, *outPath)
	if err != nil {
		src.close()
		return err
	}
	defer out.abort()
	if _, err := src.summarize(e, "-as-of"); err != nil {
		return err
	}
	return errors.New("segment: the value and segment packages are not available yet")
}
