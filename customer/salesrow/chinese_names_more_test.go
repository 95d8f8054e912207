package salesrow_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// A Chinese name with its unit in brackets (成本（元）, 成本(元),
// 数量【件】), with spaces inside (订单 号, 订单　号), in traditional
// script (訂單號, 數量, 幣種, 客戶ID, 金額, 類別) or in a common synonym
// (销售数量, 优惠金额, 下单时间, 顾客编号) is NamedInChinese too; the
// name read for the column is never changed by it.
func TestNamedInChineseForms(t *testing.T) {
	for name, col := range map[string]string{
		"成本（元）": salesrow.ColCost, "成本(元)": salesrow.ColCost, "成本【元】": salesrow.ColCost,
		"成本[rmb]": salesrow.ColCost, "成本 （元）": salesrow.ColCost, "实收金额（元）": salesrow.ColAmount,
		"实收金额(人民币)": salesrow.ColAmount, "数量（件）": salesrow.ColQuantity, "数量(双)": salesrow.ColQuantity,
		"订单 号": salesrow.ColOrderID, "订单　号": salesrow.ColOrderID, "客户 id": salesrow.ColCustomerID,
		"訂單號": salesrow.ColOrderID, "訂單編號": salesrow.ColOrderID, "數量": salesrow.ColQuantity,
		"幣種": salesrow.ColCurrency, "幣別": salesrow.ColCurrency, "客戶id": salesrow.ColCustomerID,
		"客戶編號": salesrow.ColCustomerID, "會員卡號": salesrow.ColCustomerID, "日期": salesrow.ColDate,
		"銷售日期": salesrow.ColDate, "金額": salesrow.ColAmount, "實收金額": salesrow.ColAmount,
		"成本": salesrow.ColCost, "類別": salesrow.ColCategory, "客戶類型": salesrow.ColKind,
		"折扣金額": salesrow.ColDiscount, "銷售數量（件）": salesrow.ColQuantity,
		"销售数量": salesrow.ColQuantity, "优惠金额": salesrow.ColDiscount, "销售日期": salesrow.ColDate,
		"交易日期": salesrow.ColDate, "下单时间": salesrow.ColDate, "實收金额": salesrow.ColAmount,
		"成交金额": salesrow.ColAmount, "销售金额": salesrow.ColAmount, "会员号": salesrow.ColCustomerID,
		"顾客编号": salesrow.ColCustomerID, "单据编号": salesrow.ColOrderID, "销售单号": salesrow.ColOrderID,
		"销售成本": salesrow.ColCost, "商品分类": salesrow.ColCategory,
	} {
		assert.True(t, salesrow.NamedInChinese(name, col), "%s %s", name, col)
	}
	// Not the column's meaning: a rate, list and unit prices, an amount
	// in ten thousands, a quantity in boxes, a bracket that is no unit.
	for _, name := range []string{"折扣", "折扣（%）", "原价", "原价（元）", "吊牌价（元）", "单价（元）", "零售价",
		"金额（万元）", "数量（箱）", "成本（单价）", "（元）", "()", "成本（", "成本元）", "應收金額", "優惠"} {
		for _, col := range []string{salesrow.ColOrderID, salesrow.ColQuantity, salesrow.ColDiscount, salesrow.ColAmount, salesrow.ColCost, salesrow.ColDate} {
			assert.False(t, salesrow.NamedInChinese(name, col), "%s %s", name, col)
		}
	}
	// Read by the exact name only.
	l, err := salesrow.NewLayout([]string{"customer_id", "date", "amount", "成本（元）", "訂單號", "销售数量"})
	require.NoError(t, err)
	assert.Equal(t, []int{-1, -1, -1}, []int{l.Cost, l.OrderID, l.Quantity})
	for header, want := range map[string]string{
		"customer_id,date,实收金额（元）": `missing required column "amount" (header has 3 columns; need customer_id, date, amount; field 3, "实收金额（元）", would be amount: rename the column)`,
		"客戶ID,下单时间,金額":             `missing required column "amount", "customer_id", "date" (header has 3 columns; need customer_id, date, amount; field 1, "客戶ID", would be customer_id: rename the column; field 2, "下单时间", would be date: rename the column; field 3, "金額", would be amount: rename the column)`,
		"customer_id,date,金额（万元）":  `missing required column "amount" (header has 3 columns; need customer_id, date, amount)`,
	} {
		_, err := salesrow.NewLayout(strings.Split(header, ","))
		require.Error(t, err, header)
		assert.Equal(t, want, err.Error(), header)
	}
}

// A kind written in Chinese gets a hint: 零售, 散客 and 个人 (retail, a
// walk-in customer, a private person) are consumer; 批发, 经销商, 加盟商,
// 代理商 and 分销商 (wholesale, a dealer, a franchisee, an agent, a
// distributor) are intermediary, with the role where the format has one.
// The value is refused all the same.
func TestKindChineseHint(t *testing.T) {
	const want = "want consumer or intermediary (or dealer, franchisee, wholesaler, agent)"
	for v, hint := range map[string]string{
		"零售":    `; "零售" is retail: write consumer`,
		"散客":    `; "散客" is a walk-in customer: write consumer`,
		"个人":    `; "个人" is a private person: write consumer`,
		"個人":    `; "個人" is a private person: write consumer`,
		"批发":    `; "批发" is wholesale: write intermediary (or wholesaler)`,
		"批發":    `; "批發" is wholesale: write intermediary (or wholesaler)`,
		"批发商":   `; "批发商" is a wholesaler: write intermediary (or wholesaler)`,
		"经销商":   `; "经销商" is a dealer: write intermediary (or dealer)`,
		"經銷商":   `; "經銷商" is a dealer: write intermediary (or dealer)`,
		"加盟商":   `; "加盟商" is a franchisee: write intermediary (or franchisee)`,
		"代理商":   `; "代理商" is an agent: write intermediary (or agent)`,
		"分销商":   `; "分销商" is a distributor: write intermediary`,
		"robot": "",
		"会员":    "",
	} {
		k, why := salesrow.ParseKind(v)
		assert.Zero(t, k, v)
		assert.Equal(t, want+hint, why, v)
	}
	l, err := salesrow.NewLayout([]string{"customer_id", "date", "amount", "kind"})
	require.NoError(t, err)
	var r salesrow.Row
	fe := l.Parse([]string{"c1", "2024-03-05", "1", " 零售 "}, &r)
	require.NotNil(t, fe)
	assert.Equal(t, `kind "零售": `+want+`; "零售" is retail: write consumer`, fe.Error())
}
