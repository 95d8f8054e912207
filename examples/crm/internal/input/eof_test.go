package input

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCtrlZAtTheEnd reads exports that end with the DOS end-of-file
// mark, Ctrl-Z (0x1A), as old ERP and DOS-era tools write after the last
// line end, or right after the last field, or repeated to fill a record:
// the mark carries no data, and the file reads as the one without it, in
// both readers and in both formats. A Ctrl-Z anywhere else is data.
func TestCtrlZAtTheEnd(t *testing.T) {
	o := Options{AsOf: day(t, "2024-12-31")}
	const clean = "customer_id,date,amount\r\nC1,2024-01-01,10\r\nC2,2024-01-02,20\r\nC1,2024-02-01,5\r\n"
	want := summarizeBytes([]byte(clean), o)
	require.NotContains(t, want, "error")
	for name, data := range map[string]string{
		"after the last line end": clean + "\x1a",
		"after the last field":    clean[:len(clean)-2] + "\x1a",
		"repeated":                clean + "\x1a\x1a\x1a\x1a",
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, want, summarizeBytes([]byte(data), o))
			checkScan(t, []byte(data), o)
		})
	}
	// Not at the end it is a field's text.
	mid := "customer_id,date,amount\r\nC1,2024-01-01,10\x1a\r\nC2,2024-01-02,20\r\n"
	assert.Contains(t, summarizeBytes([]byte(mid), o), `f.csv:2: amount "10\x1a": not a decimal number`)

	const cd = "00001 1 19970101 1 29.33\r\n00001 1 19970301 1 9.00\r\n00002 2 19970102 2 10.00\r\n"
	read := func(data string) string {
		return outcome(Summarize(NewCDNOWReader(bytes.NewReader([]byte(data)), "cd.txt"), "cd.txt", Options{AsOf: day(t, "1998-01-01")}))
	}
	wantCD := read(cd)
	require.NotContains(t, wantCD, "error")
	for _, data := range []string{cd + "\x1a", cd[:len(cd)-2] + "\x1a", cd + "\x1a\x1a"} {
		assert.Equal(t, wantCD, read(data), "%q", data[len(data)-4:])
	}
}

// TestCtrlZAfterALineOfTheLimit: the Ctrl-Z that ends an input is no
// part of its last line, which is read when it is of MaxLineBytes
// without it, in the cdnow format as in the csv one.
func TestCtrlZAfterALineOfTheLimit(t *testing.T) {
	line := "2 19970102 1 2 " + strings.Repeat(" ", MaxLineBytes-len("2 19970102 1 2 "))
	read := func(data string) string {
		return outcome(Summarize(NewCDNOWReader(strings.NewReader(data), "cd.txt"), "cd.txt", Options{AsOf: day(t, "1998-01-01")}))
	}
	want := read("1 19970101 1 1\n" + line)
	require.NotContains(t, want, "error")
	assert.Equal(t, want, read("1 19970101 1 1\n"+line+"\x1a"))
	assert.Equal(t, want, read("1 19970101 1 1\r\n"+line+"\r\x1a"))

	row := "C1,2024-01-01,1," + strings.Repeat(" ", MaxLineBytes-len("C1,2024-01-01,1,"))
	data := "customer_id,date,amount,note\n" + row + "\x1a"
	assert.Equal(t, summarizeBytes([]byte(data[:len(data)-1]), Options{AsOf: day(t, "2024-12-31")}), summarizeBytes([]byte(data), Options{AsOf: day(t, "2024-12-31")}))
}
