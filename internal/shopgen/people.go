package shopgen

// region is a sales region: its name, code, share of customers, number of
// stores and the yearly clothing spend of its market in millions of euros
// (rough market-research orders of magnitude).
type region struct {
	name, code string
	weight     float64
	stores     int
	market     int
}

var regions = []region{
	{"Berlin", "BER", 14, 5, 3400},
	{"Hamburg", "HAM", 9, 3, 1800},
	{"Munich", "MUC", 10, 4, 2100},
	{"Cologne", "CGN", 7, 2, 1200},
	{"Frankfurt", "FRA", 6, 2, 1000},
	{"Stuttgart", "STR", 5, 2, 850},
	{"Dusseldorf", "DUS", 5, 2, 800},
	{"Leipzig", "LEJ", 4, 1, 700},
	{"Vienna", "VIE", 10, 3, 2000},
	{"Zurich", "ZRH", 6, 2, 1500},
	{"Amsterdam", "AMS", 8, 2, 1100},
	{"Copenhagen", "CPH", 6, 2, 900},
	{"Prague", "PRG", 5, 1, 750},
	{"Warsaw", "WAW", 5, 1, 900},
}

var regionWeights = func() []float64 {
	w := make([]float64, len(regions))
	for i, r := range regions {
		w[i] = r.weight
	}
	return cumulative(w...)
}()

// Names are drawn from small lists; e-mail addresses use the reserved
// domain example.com and phone numbers a fictitious range, so no real
// person is described.
var (
	womenNames = []string{"Anna", "Emma", "Mia", "Sofia", "Lena", "Laura", "Clara", "Hannah", "Lea", "Marie", "Julia", "Sara", "Nora", "Ida", "Elena", "Chiara", "Zoe", "Alice", "Ella", "Lina"}
	menNames   = []string{"Lukas", "Felix", "Jonas", "Paul", "Leon", "Elias", "Noah", "Max", "David", "Tom", "Jan", "Ben", "Finn", "Luca", "Oskar", "Emil", "Karl", "Anton", "Theo", "Milan"}
	surnames   = []string{"Keller", "Weber", "Fischer", "Becker", "Hoffmann", "Schulz", "Koch", "Richter", "Wolf", "Neumann", "Jansen", "de Vries", "Novak", "Horvath", "Larsen", "Nielsen", "Rossi", "Moreau", "Kowalski", "Berger"}
	// lower-case ASCII forms of the lists above, for e-mail addresses
	womenLower = lowerAll(womenNames)
	menLower   = lowerAll(menNames)
	surLower   = lowerAll(surnames)
	streets    = []string{"Hauptstrasse", "Gartenweg", "Lindenallee", "Marktplatz", "Bahnhofstrasse", "Kirchgasse", "Schillerstrasse", "Parkweg"}
	styleNames = []string{"casual", "classic", "business", "sporty", "streetwear", "minimal", "romantic", "outdoor"}
	tradeNames = map[int]string{1: " Mode", 2: " Fashion Store", 3: " Textile Wholesale", 4: " Fashion Agency"}
	eventNames = []string{"spring preview", "autumn preview", "member night", "styling workshop", "sample sale"}
)

func lowerAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		b := []byte(x)
		for j, c := range b {
			switch {
			case c >= 'A' && c <= 'Z':
				b[j] = c + 'a' - 'A'
			case c == ' ':
				b[j] = '-'
			}
		}
		out[i] = string(b)
	}
	return out
}
