package input

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMisnamedChineseForms: an optional column named as Chinese exports
// name it with a unit in brackets (成本（元）, 数量(件)), with spaces
// inside (订单 号), in traditional script (訂單號, 幣種, 類別) or by a
// common synonym (销售数量, 优惠金额) is reported as 成本 is, under the
// name the header gives it; it is not read. A unit that changes the
// value (万元, ten thousand yuan; 箱, boxes) and a rate (折扣（%）) get no
// report.
func TestMisnamedChineseForms(t *testing.T) {
	o := Options{AsOf: day(t, "2024-12-31")}
	for _, c := range []struct {
		header string
		want   []Misnamed
	}{
		{"customer_id,date,amount,订单 号,数量(件),成本（元）,优惠金额（元）,幣種,客戶類型,類別", []Misnamed{
			{4, "订单 号", ColOrderID}, {5, "数量(件)", ColQuantity}, {6, "成本（元）", ColCost}, {7, "优惠金额（元）", ColDiscount},
			{8, "幣種", ColCurrency}, {9, "客戶類型", ColKind}, {10, "類別", ColCategory}}},
		{"customer_id,date,amount,訂單號,销售数量,成本【元】", []Misnamed{
			{4, "訂單號", ColOrderID}, {5, "销售数量", ColQuantity}, {6, "成本【元】", ColCost}}},
		{"customer_id,date,amount,成本（万元）,数量（箱）,折扣（%）,原价（元）", nil},
	} {
		data := []byte(c.header + "\n" + "C1,2024-01-01,10" + commas(c.header) + "\n")
		cr, err := NewCSVReader(bytes.NewReader(data), "f.csv")
		require.NoError(t, err, c.header)
		assert.Equal(t, c.want, cr.Misnamed(), c.header)
		tb, err := ScanCSV(bytes.NewReader(data), "f.csv", o, 2)
		require.NoError(t, err, c.header)
		assert.Equal(t, c.want, tb.Misnamed, c.header)
	}
}

// A kind written in Chinese is refused with a hint that varies with the
// value (零售 is consumer, 批发 intermediary); the tally of skipped rows
// counts them as one fault, the hint left out, as it does a currency's.
func TestSkipsGroupKindHints(t *testing.T) {
	data := "customer_id,date,amount,kind\n" +
		"A,2024-01-01,5,consumer\n" + "B,2024-01-02,5,零售\n" + "C,2024-01-02,5,批发\n" + "D,2024-01-02,5,经销商\n" +
		"E,2024-01-02,5,robot\n"
	got, n := readSkips(t, data)
	assert.EqualValues(t, 4, n)
	assert.Equal(t, `4 "kind" "want consumer or intermediary (or dealer, franchisee, wholesaler, agent)"
`, got)
}

// TestGBKSkipNote: with -skip-invalid, a GBK file has rows whose bytes
// happen to be UTF-8 ("女" is 0xC5 0xAE in GBK, "Ů" in UTF-8), read with
// garbled text, while the rest are skipped. When the tally of skipped rows
// holds a reason that names GBK/GB18030, GBKNote tells to convert the
// whole file. A reason that names GBK or Windows-1252 alone
// (salesrow.NotUTF8Either: "Ação" in Windows-1252 reads as two GBK
// characters) gets none: a UTF-8 file with one Windows-1252 row would be
// garbled whole by the conversion the note tells. A tally without such
// a reason gets none either.
func TestGBKSkipNote(t *testing.T) {
	const head = "customer_id,date,amount,category\n"
	gb := head + "A,2024-01-01,5,\xc5\xae\n" + "B,2024-01-01,5,\xc4\xd0\xd7\xb0\n" + "\xd5\xc5\xc8\xfd,2024-01-01,5,x\n"
	either := head + "A,2024-01-01,5,\xc5\xae\n" + "C,2024-01-01,5,\xc4\xd0\n"
	latin := head + "D,2024-01-01,5,M\xfcller\n" + "E,2024-01-01,5,\n"
	utf8One := head + "A,2024-01-01,5,女装\n" + "B,2024-01-01,5,男装\n" + "C,2024-01-01,5,A\xe7\xe3o\n"
	const wantGB = "the file looks GBK/GB18030-encoded (Chinese): rows whose bytes happen to form UTF-8 were read, and their text may be garbled; convert the whole file (iconv -f GB18030 -t UTF-8) rather than skip rows"
	for _, c := range []struct{ name, data, want string }{
		{"gb", gb, wantGB}, {"gb and either", gb + "C,2024-01-01,5,\xc4\xd0\n", wantGB}, {"either", either, ""},
		{"utf-8 with one windows-1252 row", utf8One, ""},
		{"latin", latin, ""}, {"none", head + "A,2024-01-01,x,\n", ""},
	} {
		r, err := NewCSVReader(bytes.NewReader([]byte(c.data)), "orders.csv")
		require.NoError(t, err, c.name)
		res, err := Summarize(r, "orders.csv", Options{AsOf: day(t, "2024-12-31"), SkipInvalid: true})
		require.NoError(t, err, c.name)
		assert.Equal(t, c.want, GBKNote(res.Skips), c.name)
	}
	assert.Empty(t, GBKNote(nil))
}
