package salesrow_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// The reasons for a text that is not UTF-8 but reads as Chinese in
// GB18030, and for one that may be either, spelled out.
const (
	wantNotUTF8GB     = "not UTF-8: the file may be GBK/GB18030 (Chinese, as Excel saves CSV on a Chinese Windows); convert it with iconv -f GB18030 -t UTF-8"
	wantNotUTF8Either = "not UTF-8: the file may be GBK/GB18030 (Chinese) or Latin-1/Windows-1252; convert it with iconv -f GB18030 -t UTF-8 or iconv -f WINDOWS-1252 -t UTF-8, whichever shows the text right"
)

// A text saved in GBK or GB18030, as Excel and Chinese ERP and POS
// systems save CSV, is told apart from one saved in Windows-1252 where
// its bytes allow, and where they do not both conversions are named:
// Chinese text is double-byte pairs of bytes ≥ 0x80, two or more in a
// row or with a byte that Windows-1252 shows as no letter; European text
// has a lone accented letter between ASCII letters.
func TestNotUTF8TellsGBFromWindows1252(t *testing.T) {
	assert.Equal(t, wantNotUTF8GB, salesrow.NotUTF8GB)
	assert.Equal(t, wantNotUTF8Either, salesrow.NotUTF8Either)
	for _, tc := range []struct{ name, s, want string }{
		// GBK (GB18030 has GBK's two-byte codes).
		{"张三", "\xd5\xc5\xc8\xfd", wantNotUTF8GB},
		{"连衣裙", "\xc1\xac\xd2\xc2\xc8\xb9", wantNotUTF8GB},
		{"订单001", "\xb6\xa9\xb5\xa5001", wantNotUTF8GB},
		{"VIP张三", "VIP\xd5\xc5\xc8\xfd", wantNotUTF8GB},
		{"啊: °¡ are no letters", "\xb0\xa1", wantNotUTF8GB},
		{"套: × is no letter", "\xcc\xd7", wantNotUTF8GB},
		{"€ in GB18030", "\xa2\xe3", wantNotUTF8GB},
		{"𠀀, four bytes in GB18030", "\x95\x32\x82\x36", wantNotUTF8GB},
		{"喆, a GBK/3 character", "\xd5\xc5\x86\xb4", wantNotUTF8GB},
		// Either: one pair of letters, or pairs of both shapes.
		{"男: ÄÐ", "\xc4\xd0", wantNotUTF8Either},
		{"A区: AÇø", "A\xc7\xf8", wantNotUTF8Either},
		{"Promoção in Windows-1252", "Promo\xe7\xe3o", wantNotUTF8Either},
		{"AÇÕES in Windows-1252", "A\xc7\xd5ES", wantNotUTF8Either},
		{"朱镕基, 镕 with an ASCII second byte", "\xd6\xec\xe9\x46\xbb\xf9", wantNotUTF8Either},
		// Windows-1252: a lone byte ≥ 0x80 before an ASCII character, or
		// no GB18030 at all.
		{"Müller", "M\xfcller", wantNotUTF8},
		{"Hélène", "H\xe9l\xe8ne", wantNotUTF8},
		{"cœur", "c\x9cur", wantNotUTF8},
		{"Röcke", "R\xf6cke", wantNotUTF8},
		{"a byte GB18030 has not", "coats\xff", wantNotUTF8},
		{"0x80 alone", "\x80-1", wantNotUTF8},
		{"a pair cut at the end", "\xd5\xc5\xc8", wantNotUTF8},
		{"a second byte GBK has not", "\xd6-1", wantNotUTF8},
		{"a four-byte code cut", "\x95\x32\x82", wantNotUTF8},
		// A UTF-8 sequence cut at the end of the text, after ASCII or
		// two-byte UTF-8 characters alone, is no sign of UTF-8 (see
		// TestNotUTF8CutShort): it is read as the rest is.
		{"cut UTF-8 after ASCII", "C3\xc3", wantNotUTF8},
		{"cut byte order mark, 锘 in GBK", "\xef\xbb", wantNotUTF8GB},
		{"cut UTF-8 after two-byte UTF-8", "M\xc3\xbcll\xe4\xb8", wantNotUTF8GB},
	} {
		assert.Equal(t, tc.want, salesrow.IDProblem(tc.s), "IDProblem %s %q", tc.name, tc.s)
		assert.Equal(t, tc.want, salesrow.TextProblem(tc.s), "TextProblem %s %q", tc.name, tc.s)
	}
}

// A row of a GBK export is refused by Parse and ParseUsed with the
// GB18030 conversion in the reason, whichever text column holds it.
func TestParseNamesGBK(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		field      int
		err        string
	}{
		{"customer_id", "\xd5\xc5\xc8\xfd,2024-03-05,12,,,,,,", 0, `customer_id "\xd5\xc5\xc8\xfd": ` + wantNotUTF8GB},
		{"order_id", "C1,2024-03-05,12,\xb6\xa9\xb5\xa5001,,,,,", 3, `order_id "\xb6\xa9\xb5\xa5001": ` + wantNotUTF8GB},
		{"category", "C1,2024-03-05,12,,,,,,\xc1\xac\xd2\xc2\xc8\xb9", 8, `category "\xc1\xac\xd2\xc2\xc8\xb9": ` + wantNotUTF8GB},
		{"one character", "\xc4\xd0,2024-03-05,12,,,,,,", 0, `customer_id "\xc4\xd0": ` + wantNotUTF8Either},
	} {
		rec := strings.Split(tc.line, ",")
		var r salesrow.Row
		fe := layout9.Parse(rec, &r)
		require.NotNil(t, fe, tc.name)
		assert.Equal(t, tc.field, fe.Field, tc.name)
		assert.Equal(t, tc.err, fe.Error(), tc.name)
		fe = layout9.ParseUsed(rec, &r)
		require.NotNil(t, fe, tc.name)
		assert.Equal(t, tc.err, fe.Error(), tc.name)
	}
}

// A header that is not UTF-8, as that of a GBK export with Chinese
// column names, says so in the error of the missing columns, with the
// conversion; a header separated by full-width commas or semicolons,
// as a Chinese input method types them, says so too.
func TestNewLayoutHeaderHints(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header []string
		hint   string
	}{
		{"GBK names", []string{"\xbf\xcd\xbb\xa7\xb1\xe0\xba\xc5", "\xc8\xd5\xc6\xda", "\xbd\xf0\xb6\xee"},
			`; field 1, "\xbf\xcd\xbb\xa7\xb1\xe0\xba\xc5", is ` + wantNotUTF8GB},
		{"a Windows-1252 name", []string{"customer_id", "date", "Betr\xe4ge"},
			`; field 3, "Betr\xe4ge", is ` + wantNotUTF8},
		{"full-width commas", []string{"customer_id，date，amount"},
			`; the header looks separated by "，" (a full-width comma): the file must be comma-separated`},
		{"full-width semicolons", []string{"customer_id；date；amount"},
			`; the header looks separated by "；" (a full-width semicolon): the file must be comma-separated`},
	} {
		_, err := salesrow.NewLayout(tc.header)
		require.Error(t, err, tc.name)
		assert.True(t, strings.HasSuffix(err.Error(), tc.hint+")"), "%s: %v", tc.name, err)
	}
}

// A currency written as people write it in China, or in full-width
// letters, is refused with the code to write.
func TestCurrencyHints(t *testing.T) {
	for _, tc := range []struct{ cur, err string }{
		{"RMB", `currency "RMB": unknown ISO 4217 currency code; the renminbi's is CNY`},
		{"rmb", `currency "rmb": unknown ISO 4217 currency code; the renminbi's is CNY`},
		{"人民币", `currency "人民币": unknown ISO 4217 currency code; the renminbi's is CNY`},
		{"元", `currency "元": unknown ISO 4217 currency code; the renminbi's is CNY`},
		{"¥", `currency "¥": unknown ISO 4217 currency code; ¥ is the sign of the yuan and of the yen: write CNY or JPY`},
		{"￥", `currency "￥": unknown ISO 4217 currency code; ￥ is the sign of the yuan and of the yen: write CNY or JPY`},
		{"ＣＮＹ", `currency "ＣＮＹ": unknown ISO 4217 currency code; write it in ASCII letters: CNY`},
		{"ｃｎｙ", `currency "ｃｎｙ": unknown ISO 4217 currency code; write it in ASCII letters: CNY`},
		{"ＸＸＹ", `currency "ＸＸＹ": unknown ISO 4217 currency code`},
		{"EURO", `currency "EURO": unknown ISO 4217 currency code`},
	} {
		l, err := salesrow.NewLayout([]string{"customer_id", "date", "amount", "currency"})
		require.NoError(t, err)
		var r salesrow.Row
		fe := l.Parse([]string{"c1", "2024-03-05", "12", tc.cur}, &r)
		require.NotNil(t, fe, tc.cur)
		assert.Equal(t, tc.err, fe.Error())
	}
}

// A quantity in full-width digits, as a Chinese or Japanese input method
// types them, is refused with a hint to write ASCII digits; the reason
// starts as that of any quantity that is no integer.
func TestUnitsFullWidth(t *testing.T) {
	for _, s := range []string{"１", "－２", "１０"} {
		_, why := salesrow.ParseUnits(s)
		assert.Equal(t, salesrow.NotInteger+" (full-width digits: write them as ASCII digits, "+asciiOf(s)+")", why, s)
	}
	_, why := salesrow.ParseUnits("1件")
	assert.Equal(t, salesrow.NotInteger, why)
}

// asciiOf folds full-width forms to ASCII, as the tests expect the hints
// to.
func asciiOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0xff01 && r <= 0xff5e {
			return r - 0xfee0
		}
		return r
	}, s)
}

// FullWidthToASCII folds the full-width forms of ASCII (U+FF01–U+FF5E)
// and the ideographic space, and says whether it folded any; it is for
// hints only.
func TestFullWidthToASCII(t *testing.T) {
	for _, tc := range []struct {
		in, out string
		ok      bool
	}{
		{"１２．５０", "12.50", true},
		{"２０２４－０３－０５", "2024-03-05", true},
		{"12", "12", false},
		{"张三", "张三", false},
		{"１２\u3000", "12 ", true},
		{"", "", false},
	} {
		out, ok := salesrow.FullWidthToASCII(tc.in)
		assert.Equal(t, tc.out, out, tc.in)
		assert.Equal(t, tc.ok, ok, tc.in)
	}
}

// A row whose fields are separated by full-width commas, as a Chinese
// input method types them, is one field too few or more: the reason
// says so; a full-width comma within a field of a row of the right
// width is text.
func TestParseFullWidthCommas(t *testing.T) {
	l, err := salesrow.NewLayout([]string{"customer_id", "date", "amount"})
	require.NoError(t, err)
	var r salesrow.Row
	for line, want := range map[string]string{
		"张三，2024-03-05，12":   `1 field, the header has 3; the fields look separated by "，" (full-width commas): separate them with ASCII commas`,
		"张三，2024-03-05,12":   `2 fields, the header has 3; the fields look separated by "，" (full-width commas): separate them with ASCII commas`,
		"张三,2024-03-05":      `2 fields, the header has 3`,
		"张三,2024-03-05,12,，": `4 fields, the header has 3`,
	} {
		fe := l.Parse(strings.Split(line, ","), &r)
		require.NotNil(t, fe, line)
		assert.Equal(t, want, fe.Error(), line)
		assert.Equal(t, salesrow.CodeFieldCount, fe.Code)
	}
	require.Nil(t, l.Parse([]string{"张三，李四", "2024-03-05", "12"}, &r))
	assert.Equal(t, "张三，李四", r.CustomerID)

	// One full-width comma in a text of a row that lacks a field is
	// text, not a separator: the row's fault is the missing field.
	l4, err := salesrow.NewLayout([]string{"customer_id", "date", "amount", "category"})
	require.NoError(t, err)
	for line, want := range map[string]string{
		"C1,2024-01-02,上衣，裤子": `3 fields, the header has 4`,
		"C1,2024-01-02，12,上衣": `3 fields, the header has 4; the fields look separated by "，" (full-width commas): separate them with ASCII commas`,
		"C1，2024-01-02,12,上衣": `3 fields, the header has 4; the fields look separated by "，" (full-width commas): separate them with ASCII commas`,
		"C1,上衣，裤子，12.50":      `2 fields, the header has 4; the fields look separated by "，" (full-width commas): separate them with ASCII commas`,
		"C1,2024-01-02,１２，上衣": `3 fields, the header has 4`,
	} {
		fe := l4.Parse(strings.Split(line, ","), &r)
		require.NotNil(t, fe, line)
		assert.Equal(t, want, fe.Error(), line)
	}
}

// A discount written as a rate in 折 ("8折", 80% of the price), as
// Chinese shops write one, is refused with a reason that says the
// column holds money, as a percentage is.
func TestDiscountInZhe(t *testing.T) {
	const want = " (the discount column holds the money taken off the row's list price, not a rate in 折 (8折 is 80% of the price): rename the column to leave it unread)"
	assert.Equal(t, want, salesrow.NotZhe)
	for _, s := range []string{"8折", "8.5折", "８折", "八折"} {
		_, why := salesrow.ParseDiscount(s)
		assert.Equal(t, "not a decimal number"+want, why, s)
	}
	_, why := salesrow.ParseDiscount("折")
	assert.Equal(t, "not a decimal number"+want, why)
}

// A header with the names Chinese exports give the required columns
// says which column each would be, as a name in another style does.
func TestNewLayoutChineseNames(t *testing.T) {
	_, err := salesrow.NewLayout([]string{"会员卡号", "销售日期", "实收金额", "品类"})
	require.Error(t, err)
	assert.Equal(t, `missing required column "amount", "customer_id", "date" (header has 4 columns; need customer_id, date, amount; `+
		`field 1, "会员卡号", would be customer_id: rename the column; field 2, "销售日期", would be date: rename the column; field 3, "实收金额", would be amount: rename the column)`, err.Error())
	_, err = salesrow.NewLayout([]string{"customer_id", "日期", "amount"})
	require.Error(t, err)
	assert.Equal(t, `missing required column "date" (header has 3 columns; need customer_id, date, amount; field 2, "日期", would be date: rename the column)`, err.Error())
	// A name that is no column's stays unknown, and is not read.
	_, err = salesrow.NewLayout([]string{"customer_id", "date", "amount", "金额"})
	require.NoError(t, err)
}
