package salesrow_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tailorcrm/tailor/customer/salesrow"
)

// NamedInChinese tells the names Chinese exports give a column, the
// optional ones too; a name whose meaning is not the column's (折扣, a
// rate; 单价, a price per unit) and a column the rules do not read
// (渠道, a channel) are none. Such a name is not read as the column, and
// a header missing a required column names only the required ones.
func TestNamedInChinese(t *testing.T) {
	for name, col := range map[string]string{
		"会员卡号": salesrow.ColCustomerID, "销售日期": salesrow.ColDate, "实收金额": salesrow.ColAmount,
		"订单号": salesrow.ColOrderID, "订单编号": salesrow.ColOrderID, "单号": salesrow.ColOrderID,
		"数量": salesrow.ColQuantity, "折扣金额": salesrow.ColDiscount, "币种": salesrow.ColCurrency,
		"货币": salesrow.ColCurrency, "品类": salesrow.ColCategory, "类别": salesrow.ColCategory,
		"商品类别": salesrow.ColCategory, "成本": salesrow.ColCost, "成本金额": salesrow.ColCost,
		"客户类型": salesrow.ColKind, "订单id": salesrow.ColOrderID,
	} {
		assert.True(t, salesrow.NamedInChinese(name, col), "%s %s", name, col)
		assert.False(t, salesrow.NamedInChinese(name, salesrow.ColAmount+salesrow.ColKind), name)
	}
	for _, name := range []string{"折扣", "单价", "渠道", "销售渠道", "尺码", "季节", "款号", "货号", "商品编码", "order_id", ""} {
		for _, col := range []string{salesrow.ColOrderID, salesrow.ColDiscount, salesrow.ColAmount, salesrow.ColCategory} {
			assert.False(t, salesrow.NamedInChinese(name, col), "%s %s", name, col)
		}
	}
	l, err := salesrow.NewLayout([]string{"customer_id", "date", "amount", "订单号", "数量"})
	require.NoError(t, err)
	assert.Equal(t, -1, l.OrderID)
	assert.Equal(t, -1, l.Quantity)
	_, err = salesrow.NewLayout([]string{"customer_id", "amount", "订单号", "订单日期"})
	require.Error(t, err)
	assert.Equal(t, `missing required column "date" (header has 4 columns; need customer_id, date, amount; field 4, "订单日期", would be date: rename the column)`, err.Error())
}
