package input

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A currency that is no ISO 4217 code is one kind of fault, whatever
// hint its value gets (the renminbi's code for RMB, the ASCII letters of
// one typed in full-width letters, the codes of ¥): the hint, which
// varies with the value, is left out of the tally, as an amount's is. A
// quantity in full-width digits is one that is no integer.
func TestSkipsGroupCurrencyHints(t *testing.T) {
	const head = "customer_id,date,amount,quantity,currency\n"
	data := head +
		"A,2024-01-01,5,1,CNY\n" +
		"A,2024-01-02,5,1,EURO\n" + "A,2024-01-02,5,1,RMB\n" + "A,2024-01-02,5,1,人民币\n" +
		"A,2024-01-02,5,1,ＣＮＹ\n" + "A,2024-01-02,5,1,ＵＳＤ\n" + "A,2024-01-02,5,1,¥\n" + "A,2024-01-02,5,1,￥\n" +
		"A,2024-01-03,5,１,CNY\n" + "A,2024-01-03,5,x,CNY\n"
	got, n := readSkips(t, data)
	assert.EqualValues(t, 9, n)
	assert.Equal(t, `7 "currency" "unknown ISO 4217 currency code"
2 "quantity" "not an integer"
`, got)
}
