package input

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMisnamedChineseColumns: an optional column named as Chinese ERP
// exports name it (订单号 or 订单ID for order_id, 数量 for quantity, 成本 for
// cost, 折扣金额 for discount, 币种 for currency, 客户类型 for kind, 品类
// for category) is not read, and both readers report it as they report
// "Order ID". A name whose meaning is not that of the column gets no
// report: 折扣, which Chinese exports use for a rate (8折, 0.8), not for
// the money taken off; and channel, sku, size and season columns (渠道,
// 款号, 尺码, 季节), which the format accepts and does not read under any
// name. A column of the exact name is read, and then no other is
// reported for it.
func TestMisnamedChineseColumns(t *testing.T) {
	o := Options{AsOf: day(t, "2024-12-31")}
	for _, c := range []struct {
		header string
		want   []Misnamed
	}{
		{"customer_id,date,amount,订单号,数量,成本,折扣金额,币种,客户类型,品类", []Misnamed{
			{4, "订单号", ColOrderID}, {5, "数量", ColQuantity}, {6, "成本", ColCost}, {7, "折扣金额", ColDiscount},
			{8, "币种", ColCurrency}, {9, "客户类型", ColKind}, {10, "品类", ColCategory}}},
		{"customer_id,date,amount,订单编号,成本金额,货币,商品类别", []Misnamed{
			{4, "订单编号", ColOrderID}, {5, "成本金额", ColCost}, {6, "货币", ColCurrency}, {7, "商品类别", ColCategory}}},
		{"customer_id,date,amount, 单号 ,类别", []Misnamed{{4, "单号", ColOrderID}, {5, "类别", ColCategory}}},
		{"customer_id,date,amount,订单ID", []Misnamed{{4, "订单ID", ColOrderID}}},
		{"\ufeff订单号,customer_id,date,amount", []Misnamed{{1, "订单号", ColOrderID}}},
		{"customer_id,date,amount,单号,订单号", []Misnamed{{4, "单号", ColOrderID}}},
		{"customer_id,date,amount,折扣,渠道,销售渠道,尺码,季节,款号,货号,商品编码", nil},
		{"customer_id,date,amount,order_id,订单号,quantity,数量,category,品类", nil},
	} {
		row := "C1,2024-01-01,10" + commas(c.header)
		if strings.HasPrefix(c.header, "\ufeff") {
			row = "O1,C1,2024-01-01,10"
		}
		data := []byte(c.header + "\n" + row + "\n")
		cr, err := NewCSVReader(bytes.NewReader(data), "f.csv")
		require.NoError(t, err, c.header)
		assert.Equal(t, c.want, cr.Misnamed(), c.header)
		tb, err := ScanCSV(bytes.NewReader(data), "f.csv", o, 2)
		require.NoError(t, err, c.header)
		assert.Equal(t, c.want, tb.Misnamed, c.header)
	}
	assert.Equal(t, `field 4, "订单号", would be order_id but is not read under that name: rename the column`,
		Misnamed{4, "订单号", ColOrderID}.String())
}
