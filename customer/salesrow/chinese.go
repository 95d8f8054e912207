package salesrow

import (
	"strings"
	"unicode/utf8"
)

// chineseColumn returns the column that Chinese exports name name, a
// header name as [NewLayout] reads it (trimmed, in lower case), by
// [chineseNames]; "" for none. A name not listed as it is is looked up
// as [chineseKey] writes it: without spaces, in simplified script and
// without a unit in brackets at its end, so 成本（元）, 订单 号 and 訂單號
// are 成本, 订单号 and 订单号. It serves the hints alone (the error of a
// missing column, a reader's warning of a column not read) and runs on
// the names of a header alone, never on a row.
func chineseColumn(name string) string {
	if c, ok := chineseNames[name]; ok {
		return c
	}
	return chineseNames[chineseKey(name)]
}

// chineseKey returns name as chineseNames lists names: without its
// spaces (ASCII, no-break and ideographic, U+3000, as 订单 号 or 订单　号
// are typed to align a column), its traditional characters written in
// simplified script ([traditional]), and without a unit in brackets at
// its end ([unitWords]) after at least one character: 成本（元）, 成本(元),
// 数量【件】 and 金额[RMB] are 成本, 数量 and 金额. Brackets are the
// ASCII, full-width, lenticular and tortoise-shell ones, ( （ [ ［ 【 〔,
// closed by any of ) ） ] ］ 】 〕. A bracket holding anything else (金额（万元）, in ten
// thousand yuan; 成本（单价）, a unit cost) stays, and the name is then
// none of chineseNames.
func chineseKey(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		switch r {
		case ' ', '\t', '\u00a0', '\u3000':
			continue
		}
		if s, ok := traditional[r]; ok {
			r = s
		}
		b.WriteRune(r)
	}
	k := b.String()
	last, n := utf8.DecodeLastRuneInString(k)
	if !strings.ContainsRune(")）]］】〕", last) {
		return k
	}
	body := k[:len(k)-n]
	i := strings.LastIndexAny(body, "(（[［【〔")
	if i <= 0 {
		return k
	}
	_, m := utf8.DecodeRuneInString(body[i:])
	if unitWords[body[i+m:]] {
		return body[:i]
	}
	return k
}

// unitWords are the units a header name may give in brackets after the
// column's name, in lower case and simplified script, that leave its
// meaning that of the column: the yuan (元, 人民币, RMB, CNY, ¥ and ￥)
// for money, and the piece (件, 个, pcs), the pair (双, of shoes and
// socks), the piece of trousers or skirts (条) and the set (套) for a
// quantity of units. 万元 (ten thousand yuan) and 箱 (a box of several
// units) change the value and are not listed.
var unitWords = map[string]bool{
	"元": true, "人民币": true, "rmb": true, "cny": true, "¥": true, "￥": true,
	"件": true, "个": true, "pcs": true, "双": true, "条": true, "套": true,
}

// traditional maps the characters of the names of chineseNames and of
// unitWords that traditional script (the exports of Taiwan and Hong
// Kong) writes otherwise to their simplified form: 訂單號 is 订单号,
// 數量 数量, 幣種 币种, 客戶ID 客户ID, 金額 金额, 類別 类别. Characters
// the two scripts share (日期, 成本) are not listed.
var traditional = map[rune]rune{
	'戶': '户', '編': '编', '號': '号', '碼': '码', '顧': '顾', '會': '会', '員': '员',
	'銷': '销', '訂': '订', '單': '单', '據': '据', '業': '业', '務': '务', '額': '额',
	'實': '实', '數': '数', '幣': '币', '種': '种', '貨': '货', '類': '类', '別': '别',
	'優': '优', '時': '时', '間': '间', '個': '个', '雙': '双', '條': '条',
}
