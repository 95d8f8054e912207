package customer

import (
	"testing"
	"time"
)

// A size label must be a label of the size system as written: letters
// that only fold to a size under Unicode case mapping ("ſ" upper-cases to
// "S") are not sizes.
func TestSizeLabelsNonASCIILettersRejected(t *testing.T) {
	for _, s := range []string{"ſ", "xſ", "XXſ"} {
		if ValidTopSize(s) {
			t.Errorf("ValidTopSize(%q) = true, want false", s)
		}
		if ValidBottomSize(s) {
			t.Errorf("ValidBottomSize(%q) = true, want false", s)
		}
	}
	for _, s := range []string{"s", "xs", "xxl", "3xl"} {
		if !ValidTopSize(s) {
			t.Errorf("ValidTopSize(%q) = false, want true", s)
		}
	}
}

// The jeans spelling that the bottom-size error message offers as an
// example is a valid bottom size.
func TestBottomSizeWaistSlashLeg(t *testing.T) {
	for _, s := range []string{"W28/L32", "w26/l32"} {
		if !ValidBottomSize(s) {
			t.Errorf("ValidBottomSize(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"W28/", "W28/32", "W28/L", "W/L32", "W28/L40"} {
		if ValidBottomSize(s) {
			t.Errorf("ValidBottomSize(%q) = true, want false", s)
		}
	}
}

// A blank style, colour or category is not a preference: Validate names
// the entry, and such a profile is not complete.
func TestProfileBlankPreferences(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	c := Customer{ID: "c1", Kind: Consumer, Joined: now.AddDate(-1, 0, 0),
		Profile: Profile{Styles: []string{"classic", ""}, Colours: []string{" "}, Categories: []string{"coats", "\t"}}}
	err := c.Validate(now)
	ve, ok := err.(*ValidationError)
	if !ok {
		t.Fatalf("Validate = %v, want *ValidationError", err)
	}
	for _, f := range []string{"profile.styles[1]", "profile.colours[0]", "profile.categories[1]"} {
		if !ve.Has(f, CodeRequired) {
			t.Errorf("error %v does not name %s", err, f)
		}
	}
	if len(ve.Fields) != 3 {
		t.Errorf("error %v: want exactly 3 fields", err)
	}
}

// Complete counts only fields that are known and valid, so that a
// profile of blank or invalid entries earns no completion bonus.
func TestProfileCompleteNeedsValidFields(t *testing.T) {
	good := Profile{TopSize: "M", BottomSize: "32/34", ShoeSize: "42", HeightCM: 180, Fit: Regular,
		Styles: []string{"casual"}, Colours: []string{"navy"}, Categories: []string{"coats"}}
	if !good.Complete() {
		t.Fatalf("%+v: Complete = false, want true", good)
	}
	for name, mut := range map[string]func(*Profile){
		"top size not a size":    func(p *Profile) { p.TopSize = "banana" },
		"bottom size not a size": func(p *Profile) { p.BottomSize = "W99" },
		"shoe size not a size":   func(p *Profile) { p.ShoeSize = "99" },
		"height 400":             func(p *Profile) { p.HeightCM = 400 },
		"height negative":        func(p *Profile) { p.HeightCM = -1 },
		"fit unknown":            func(p *Profile) { p.Fit = 9 },
		"fit not given":          func(p *Profile) { p.Fit = 0 },
		"no style":               func(p *Profile) { p.Styles = nil },
		"style blank":            func(p *Profile) { p.Styles = []string{""} },
		"colour blank":           func(p *Profile) { p.Colours = []string{" "} },
		"category blank":         func(p *Profile) { p.Categories = []string{"\t"} },
	} {
		p := good
		mut(&p)
		if p.Complete() {
			t.Errorf("%s: Complete = true, want false", name)
		}
	}
}

// The Chinese size labels of GB/T 1335 (height in cm / chest or waist in
// cm, then the body type Y, A, B or C; children's sizes without a body
// type) are the sizes printed on garments sold in China, and pass.
func TestSizeLabelsGBT1335(t *testing.T) {
	for _, s := range []string{"170/88A", "160/84A", "175/92Y", "180/100B", "185/108C", "130/64", "165/88a"} {
		if !ValidTopSize(s) {
			t.Errorf("ValidTopSize(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"170/74A", "160/66A", "130/56", "175/80B"} {
		if !ValidBottomSize(s) {
			t.Errorf("ValidBottomSize(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"170/88D", "170/88AA", "170/", "/88A", "170/88 A", "30/88A", "250/88A", "170/20A", "170/200A", "170/88Ａ", "1700/88A", "170-88A"} {
		if ValidTopSize(s) {
			t.Errorf("ValidTopSize(%q) = true, want false", s)
		}
		if ValidBottomSize(s) {
			t.Errorf("ValidBottomSize(%q) = true, want false", s)
		}
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	c := Customer{ID: "c1", Kind: Consumer, Joined: now.AddDate(-1, 0, 0),
		Profile: Profile{TopSize: "170/88A", BottomSize: "170/74A"}}
	if err := c.Validate(now); err != nil {
		t.Errorf("Validate = %v, want nil", err)
	}
}
