package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSkipInvalidGBKNote: a GBK export read with -skip-invalid. The rows
// whose categories, 女 (0xC5 0xAE) and 女装 (0xC5 0xAE 0xD7 0xB0), are
// UTF-8 by chance ("Ů", "Ůװ") are read with that text; the one of 男装
// is skipped. After the tally one line says the
// file looks GBK-encoded and to convert all of it, on stderr alone; a
// file skipped for other reasons, and a UTF-8 file with one
// Windows-1252 row ("Ação", GBK or Windows-1252 by its bytes), get no
// such line.
func TestSkipInvalidGBKNote(t *testing.T) {
	t.Parallel()
	data := "customer_id,date,amount,category\n" +
		"A,2024-01-01,5,\xc5\xae\n" + "B,2024-01-02,5,\xc4\xd0\xd7\xb0\n" + "C,2024-01-03,5,\xc5\xae\xd7\xb0\n" + "D,2024-01-04,5,x\n"
	const note = "crm: stdin: the file looks GBK/GB18030-encoded (Chinese): rows whose bytes happen to form UTF-8 were read, and their text may be garbled; convert the whole file (iconv -f GB18030 -t UTF-8) rather than skip rows\n"
	for _, cmd := range []string{"segment", "batch"} {
		r := crm(t, data, cmd, "-in", "-", "-as-of", "2024-12-31", "-skip-invalid")
		require.Equal(t, 0, r.code, r.stderr)
		assert.Equal(t, 1, strings.Count(r.stderr, note), "%s:\n%s", cmd, r.stderr)
		assert.Contains(t, r.stderr, "×1\n"+note, "%s: the note follows the tally:\n%s", cmd, r.stderr)
		assert.NotContains(t, r.stdout, "GBK", cmd)
	}
	for name, data := range map[string]string{
		"other faults": strings.ReplaceAll(data, "\xc4\xd0", "x") + "E,2024-01-05,12x,x\n",
		"utf-8 with one windows-1252 row": "customer_id,date,amount,category\n" +
			"A,2024-01-01,5,女装\n" + "B,2024-01-02,5,Coleção\n" + "C,2024-01-03,5,A\xe7\xe3o\n",
	} {
		r := crm(t, data, "segment", "-in", "-", "-as-of", "2024-12-31", "-skip-invalid")
		require.Equal(t, 0, r.code, r.stderr)
		require.Contains(t, r.stderr, "skipped 1 malformed row", name)
		assert.NotContains(t, r.stderr, "GBK/GB18030-encoded", "%s:\n%s", name, r.stderr)
	}
}
