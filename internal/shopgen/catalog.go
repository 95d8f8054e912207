package shopgen

import (
	"math"
	"strconv"

	"github.com/shopspring/decimal"
)

// sizeSystem is how the articles of a category are sized.
type sizeSystem uint8

const (
	noSize      sizeSystem = iota // accessories: one size, Line.Size empty
	letterSize                    // XXS … 5XL
	euGarment                     // EU numeric garment sizes: women 32–50, men 42–60
	waistInseam                   // "32/34"
	euShoe                        // EU shoe sizes "36" … "46", with halves
)

// category is a product category of the catalogue. Prices are full retail
// prices in euros; cost is a share of the price, so the gross margin at
// full price is 1 − cost share (50–70% for branded apparel retail).
type category struct {
	name, code         string
	minPrice, maxPrice float64
	minCost, maxCost   float64 // unit cost as a share of the price
	sizes              sizeSystem
	ss, aw             float64 // weight of the category in spring/summer and autumn/winter buying
	womens             bool    // only bought by womenswear customers
	returns            float64 // relative return propensity
	maxQty             int     // most units of one article a consumer buys
}

// categories is the catalogue's category table.
var categories = []category{
	{name: "coats", code: "COA", minPrice: 129, maxPrice: 449, minCost: 0.32, maxCost: 0.45, sizes: euGarment, ss: 0.3, aw: 1.6, returns: 1.1, maxQty: 1},
	{name: "jackets", code: "JAC", minPrice: 79, maxPrice: 259, minCost: 0.32, maxCost: 0.45, sizes: letterSize, ss: 0.8, aw: 1.2, returns: 1.1, maxQty: 1},
	{name: "knitwear", code: "KNI", minPrice: 39, maxPrice: 169, minCost: 0.30, maxCost: 0.45, sizes: letterSize, ss: 0.5, aw: 1.5, returns: 1.0, maxQty: 2},
	{name: "shirts", code: "SHI", minPrice: 29, maxPrice: 99, minCost: 0.30, maxCost: 0.42, sizes: letterSize, ss: 1.1, aw: 0.9, returns: 1.0, maxQty: 2},
	{name: "t-shirts", code: "TSH", minPrice: 12, maxPrice: 45, minCost: 0.30, maxCost: 0.40, sizes: letterSize, ss: 1.6, aw: 0.6, returns: 0.7, maxQty: 3},
	{name: "dresses", code: "DRE", minPrice: 49, maxPrice: 199, minCost: 0.30, maxCost: 0.45, sizes: euGarment, ss: 1.4, aw: 0.8, womens: true, returns: 1.4, maxQty: 1},
	{name: "trousers", code: "TRO", minPrice: 39, maxPrice: 139, minCost: 0.32, maxCost: 0.45, sizes: euGarment, ss: 1.0, aw: 1.0, returns: 1.2, maxQty: 2},
	{name: "jeans", code: "JEA", minPrice: 49, maxPrice: 139, minCost: 0.32, maxCost: 0.48, sizes: waistInseam, ss: 1.0, aw: 1.0, returns: 1.3, maxQty: 2},
	{name: "skirts", code: "SKI", minPrice: 35, maxPrice: 119, minCost: 0.30, maxCost: 0.45, sizes: euGarment, ss: 1.2, aw: 0.7, womens: true, returns: 1.1, maxQty: 1},
	{name: "shoes", code: "SHO", minPrice: 59, maxPrice: 229, minCost: 0.38, maxCost: 0.50, sizes: euShoe, ss: 0.9, aw: 1.1, returns: 1.2, maxQty: 1},
	{name: "accessories", code: "ACC", minPrice: 12, maxPrice: 89, minCost: 0.28, maxCost: 0.40, sizes: noSize, ss: 0.9, aw: 1.2, returns: 0.4, maxQty: 2},
	{name: "underwear", code: "UND", minPrice: 8, maxPrice: 39, minCost: 0.30, maxCost: 0.42, sizes: letterSize, ss: 1.0, aw: 1.0, returns: 0.2, maxQty: 3},
}

// Categories returns the names of the catalogue's categories ("coats",
// "knitwear", …) in a fixed order.
func Categories() []string {
	out := make([]string, len(categories))
	for i, c := range categories {
		out[i] = c.name
	}
	return out
}

// colours is the colour palette: name and SKU code.
var colours = []struct{ name, code string }{
	{"black", "BLK"}, {"white", "WHT"}, {"navy", "NAV"}, {"grey", "GRY"}, {"beige", "BEI"},
	{"camel", "CAM"}, {"brown", "BRN"}, {"olive", "OLI"}, {"red", "RED"}, {"burgundy", "BUR"},
	{"blue", "BLU"}, {"green", "GRN"}, {"pink", "PNK"}, {"yellow", "YEL"}, {"cream", "CRM"},
}

// letterSizes are the letter sizes, smallest first.
var letterSizes = []string{"XXS", "XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL", "5XL"}

// letterWeights is the share of consumers per letter size.
var letterWeights = cumulative(0.02, 0.07, 0.19, 0.29, 0.24, 0.12, 0.045, 0.015, 0.006, 0.004)

// euGarmentSize returns the EU numeric size matching letter size i:
// women 32 (XXS) to 50 (5XL), men 42 to 60.
func euGarmentSize(i int, women bool) string {
	if women {
		return numbers[32+2*i]
	}
	return numbers[42+2*i]
}

// numbers caches the decimal strings of 0..99.
var numbers = func() []string {
	s := make([]string, 100)
	for i := range s {
		s[i] = strconv.Itoa(i)
	}
	return s
}()

// inseams are the inseam lengths in inches of jeans.
var inseams = []int{30, 32, 34, 36}

// waistLabels[w][k] is "w/inseams[k]" for even waists 24..44.
var waistLabels = func() map[int][]string {
	m := make(map[int][]string)
	for w := 24; w <= 44; w += 2 {
		l := make([]string, len(inseams))
		for k, in := range inseams {
			l[k] = strconv.Itoa(w) + "/" + strconv.Itoa(in)
		}
		m[w] = l
	}
	return m
}()

// waistInseamSize returns the waist/inseam size of letter size i and
// inseam index k: women from waist 24, men from 28.
func waistInseamSize(i, k int, women bool) string {
	w := 28 + 2*i
	if women {
		w = 24 + 2*i
	}
	return waistLabels[min(max(w, 24), 44)][k]
}

// shoeLabels[2*(n-34)] is "n" and the next entry "n.5", for n in 34..48.
var shoeLabels = func() []string {
	var s []string
	for n := 34; n <= 48; n++ {
		s = append(s, strconv.Itoa(n), strconv.Itoa(n)+".5")
	}
	return s
}()

// shoeSize returns the label of half-size index h (0 is "34").
func shoeSize(h int) string { return shoeLabels[min(max(h, 0), len(shoeLabels)-2)] }

// style is one article of a collection: its prices in minor units and as
// decimals (shared by every line that sells it), and its colourways, all
// in one block of memory.
type style struct {
	price, cost, wholesale    int64
	priceD, costD, wholesaleD decimal.Decimal
	nCol                      int
	colours                   [4]uint8  // palette indices, nCol of them
	skus                      [4]string // one per colourway
}

// stylesPerCategory is the number of styles of each category in each
// collection.
const stylesPerCategory = 24

// wholesaleShare is the wholesale price as a share of the retail price
// (the usual keystone mark-up of about 2 between wholesale and retail).
const wholesaleShare = 0.5

// buildStyles draws the styles of one collection's category.
func (g *Generator) buildStyles(r *rng, label string, cat int) []style {
	c := categories[cat]
	out := make([]style, stylesPerCategory)
	prefix := label + "-" + c.code + "-"
	for i := range out {
		// Log-uniform price in the category's range.
		eur := c.minPrice * math.Exp(r.Float64()*math.Log(c.maxPrice/c.minPrice))
		p := g.nicePrice(eur * g.level)
		share := r.uniform(c.minCost, c.maxCost)
		cost := max(1, int64(math.Round(float64(p)*share)))
		ws := max(cost+1, int64(math.Round(float64(p)*wholesaleShare)))
		s := style{price: p, cost: cost, wholesale: ws}
		s.priceD = decimal.New(p, -g.digits)
		s.costD = decimal.New(cost, -g.digits)
		s.wholesaleD = decimal.New(ws, -g.digits)
		n := r.between(1, 4)
		used := uint32(0)
		for s.nCol < n {
			k := r.IntN(len(colours))
			if k >= 5 && r.chance(0.5) { // neutrals are the most common colourways
				k = r.IntN(5)
			}
			if used&(1<<k) != 0 {
				continue
			}
			used |= 1 << k
			s.colours[s.nCol] = uint8(k)
			s.nCol++
		}
		out[i] = s
	}
	// The SKUs of the category share one string: "2025-AW-COA-07-BLK".
	var buf []byte
	var ends [stylesPerCategory][4]int
	for i := range out {
		for k := range out[i].nCol {
			buf = append(buf, prefix...)
			buf = append(buf, padded2(i)...)
			buf = append(buf, '-')
			buf = append(buf, colours[out[i].colours[k]].code...)
			ends[i][k] = len(buf)
		}
	}
	all, start := string(buf), 0
	for i := range out {
		for k := range out[i].nCol {
			out[i].skus[k] = all[start:ends[i][k]]
			start = ends[i][k]
		}
	}
	return out
}

// nicePrice converts a price in currency units to minor units and rounds
// it to a price point: x.95 for prices below 100 units, x9.00 above (in
// currencies without minor units, multiples of ten minus one unit below
// 1000, multiples of 100 minus ten above).
func (g *Generator) nicePrice(v float64) int64 {
	unit := int64(1)
	for range g.digits {
		unit *= 10
	}
	whole := max(int64(math.Round(v)), 2)
	switch {
	case g.digits == 0 && whole < 1000:
		return max((whole+5)/10*10-1, 1)
	case g.digits == 0:
		return (whole+50)/100*100 - 10
	case whole < 100:
		return whole*unit - unit/20
	default:
		return ((whole+5)/10*10 - 1) * unit
	}
}
