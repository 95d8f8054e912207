package input

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAmountHintsOfChineseExports reads amounts as Chinese exports and
// people write them: in full-width digits and signs (as an input method
// for Chinese or Japanese types them), with 元, 块, RMB or 人民币, in 万
// (ten thousands). None is read; each is malformed with a hint on what
// to write, in the amount, cost and discount columns, on both readers'
// paths.
func TestAmountHintsOfChineseExports(t *testing.T) {
	const (
		sign = "; write it as a plain number, without a currency sign or code (the currency goes in the currency column, or -currency)"
		yuan = "; write it as a plain number, without 元, 块, RMB or 人民币 (the currency goes in the currency column, CNY for the renminbi, or -currency CNY)"
	)
	o := Options{AsOf: day(t, "2024-12-31")}
	for _, tc := range []struct{ value, hint string }{
		{"１２", "; write it with ASCII digits and signs: 12, not full-width ones"},
		{"１２．５０", "; write it with ASCII digits and signs: 12.50, not full-width ones"},
		{"12．50", "; write it with ASCII digits and signs: 12.50, not full-width ones"},
		{"－１２", "; write it with ASCII digits and signs: -12, not full-width ones"},
		{"１，２３４.５０", "; write it with ASCII digits and signs, not full-width ones; write it with a decimal point and without thousands separators (1234.50, not 1.234,50 or 1,234.50)"},
		{"1，234.50", "; write it with ASCII digits and signs, not full-width ones; write it with a decimal point and without thousands separators (1234.50, not 1.234,50 or 1,234.50)"},
		{"￥１２", "; write it with ASCII digits and signs, not full-width ones" + sign},
		{"￥12", sign},
		{"¥12.50", sign},
		{"12元", yuan},
		{"12.50 元", yuan},
		{"-12元", yuan},
		{"12块", yuan},
		{"RMB12", yuan},
		{"RMB 12.50", yuan},
		{"rmb12", yuan},
		{"12RMB", yuan},
		{"人民币12", yuan},
		{"人民币 12.50", yuan},
		{"１２元", "; write it with ASCII digits and signs, not full-width ones" + yuan},
		{"CNY 12", sign},
		{"1.2万", "; write it in full, 12000, not in 万 (ten thousands)"},
		{"3万", "; write it in full, 30000, not in 万 (ten thousands)"},
		{"1.2万元", "; write it in full, 12000, not in 万 (ten thousands), and without 元, 块, RMB or 人民币 (the currency goes in the currency column, CNY for the renminbi, or -currency CNY)"},
		{"元", ""},
		{"RMB", ""},
		{"万", ""},
		{"１２x", ""},
		{"十二", ""},
	} {
		for _, col := range []string{"amount", "cost", "discount"} {
			amount, cost, discount := `"`+tc.value+`"`, "1", "0"
			switch col {
			case "cost":
				amount, cost = "12.50", `"`+tc.value+`"`
			case "discount":
				amount, discount = "12.50", `"`+tc.value+`"`
			}
			data := "customer_id,date,amount,cost,discount\nC1,2024-01-02,10,1,0\nC1,2024-03-05," + amount + "," + cost + "," + discount + "\n"
			_, err := readCSV(t, data, o)
			require.Error(t, err, tc.value)
			assert.Equal(t, `orders.csv:3: `+col+` "`+tc.value+`": not a decimal number`+tc.hint, err.Error())
			checkScan(t, []byte(data), o)
		}
	}
}

// TestDateHintsOfChineseExports reads dates as Chinese exports and
// people write them: 2024年3月5日, in full-width digits and signs, with
// 上午 or 下午 (a.m., p.m.) before the time. None is read; the error says
// what to write instead, and a day the calendar has not is named. The
// -as-of flag gets the same hints.
func TestDateHintsOfChineseExports(t *testing.T) {
	const (
		want  = "want YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or RFC 3339"
		as    = "; write it as 2024-03-05: YYYY-MM-DD, with hyphens and a two-digit month and day"
		fullW = "; write it with ASCII digits and signs, not full-width ones"
	)
	o := Options{AsOf: day(t, "2024-12-31")}
	for _, tc := range []struct{ value, hint string }{
		{"2024年3月5日", as},
		{"2024年03月05日", as},
		{"2024 年 3 月 5 日", as},
		{"2024年3月5号", as},
		{"2024年3月5日 10:30", as},
		{"2024年3月5日10:30:00", as},
		{"2023年2月29日", "; there is no 29 February: February 2023 has 28 days"},
		{"2024年13月5日", "; there is no month 13: YYYY-MM-DD has the month before the day"},
		{"２０２４-０３-０５", "; write it with ASCII digits and signs: 2024-03-05, not full-width ones"},
		{"2024－03－05", "; write it with ASCII digits and signs: 2024-03-05, not full-width ones"},
		{"２０２４年３月５日", fullW + as},
		{"２０２４/３/５", fullW + as},
		{"2024-03-05 下午3:30", "; write it as 2024-03-05 15:30:00 (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"},
		{"2024-03-05 上午11:05:09", "; write it as 2024-03-05 11:05:09 (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"},
		{"2024-03-05 上午12:05", "; write it as 2024-03-05 00:05:00 (hh:mm:ss in 24-hour form, then the offset, if any, as Z or ±hh:mm)"},
		{"2024年", ""},
		{"3月5日", ""},
	} {
		data := "customer_id,date,amount\nC1,2024-01-02,10\nC1," + tc.value + ",12.50\n"
		_, err := readCSV(t, data, o)
		require.Error(t, err, tc.value)
		assert.Equal(t, `orders.csv:3: date "`+tc.value+`": `+want+tc.hint, err.Error())
		checkScan(t, []byte(data), o)
	}
	for value, hint := range map[string]string{
		"2024年3月5日":  "; write it as 2024-03-05: YYYY-MM-DD, with hyphens and a two-digit month and day",
		"２０２４-０３-０５": "; write it with ASCII digits and signs: 2024-03-05, not full-width ones",
	} {
		_, err := ParseDay(value)
		require.Error(t, err, value)
		assert.Equal(t, `date "`+value+`": want YYYY-MM-DD`+hint, err.Error())
	}
}

// TestTextsOfGBKExports reads a GBK export: the error names the GB18030
// conversion, on both readers' paths, and shows the bytes of the field
// as they are.
func TestTextsOfGBKExports(t *testing.T) {
	o := Options{AsOf: day(t, "2024-12-31")}
	data := "customer_id,date,amount,category\nC1,2024-01-02,10,x\n\xd5\xc5\xc8\xfd,2024-03-05,12,\xc1\xac\xd2\xc2\xc8\xb9\n"
	_, err := readCSV(t, data, o)
	require.Error(t, err)
	assert.Equal(t, `orders.csv:3: customer_id "\xd5\xc5\xc8\xfd": not UTF-8: the file may be GBK/GB18030 (Chinese, as Excel saves CSV on a Chinese Windows); convert it with iconv -f GB18030 -t UTF-8`, err.Error())
	checkScan(t, []byte(data), o)
	data = strings.Replace(data, "\xd5\xc5\xc8\xfd", "C2", 1)
	_, err = readCSV(t, data, o)
	require.Error(t, err)
	assert.Equal(t, `orders.csv:3: category "\xc1\xac\xd2\xc2\xc8\xb9": not UTF-8: the file may be GBK/GB18030 (Chinese, as Excel saves CSV on a Chinese Windows); convert it with iconv -f GB18030 -t UTF-8`, err.Error())
	checkScan(t, []byte(data), o)
}

// TestFullWidthCommasOfChineseExports reads a row whose fields are
// separated by full-width commas: the error says so, on both readers'
// paths, as salesrow words it.
func TestFullWidthCommasOfChineseExports(t *testing.T) {
	o := Options{AsOf: day(t, "2024-12-31")}
	data := "customer_id,date,amount\nC1,2024-01-02,10\n张三，2024-03-05，12\n"
	_, err := readCSV(t, data, o)
	require.Error(t, err)
	assert.Equal(t, `orders.csv:3: 1 field, the header has 3; the fields look separated by "，" (full-width commas): separate them with ASCII commas`, err.Error())
	checkScan(t, []byte(data), o)
}

// TestDiscountInZheOfChineseExports reads a discount written as a rate
// in 折: the reason says the column holds money (salesrow.NotZhe), with
// no hint of an amount besides.
func TestDiscountInZheOfChineseExports(t *testing.T) {
	o := Options{AsOf: day(t, "2024-12-31")}
	for _, v := range []string{"8折", "８折"} {
		data := "customer_id,date,amount,discount\nC1,2024-01-02,10,0\nC1,2024-03-05,12," + v + "\n"
		_, err := readCSV(t, data, o)
		require.Error(t, err)
		assert.Equal(t, `orders.csv:3: discount "`+v+`": not a decimal number (the discount column holds the money taken off the row's list price, not a rate in 折 (8折 is 80% of the price): rename the column to leave it unread)`, err.Error())
		checkScan(t, []byte(data), o)
	}
}
