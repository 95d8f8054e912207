// Package shopgen generates a synthetic clothing shop: customers of both
// kinds (end consumers and intermediaries), their orders, returns and
// exchanges, interactions and complaints, deterministic for a seed and
// valid by the rules of package customer. It feeds tailor's examples,
// tests and benchmarks, and the `crm generate` command.
//
// # Model
//
// The shop sells four collections a year ([DefaultCollections]: a
// pre-collection and a main collection for spring/summer and for
// autumn/winter) and marks the ending season down in two sale periods
// ([DefaultSales], 20% rising to 50%). Its catalogue has twelve categories
// with their own price ranges, unit costs (gross margin 50–70% at full
// price), size systems and seasonality.
//
// Consumers follow a "buy till you die" process in the spirit of the
// Pareto/NBD model (Schmittlein, Morrison & Colombo 1987): each customer
// is acquired with a first purchase, buys while alive as a Poisson
// process whose rate λ is drawn from a gamma distribution across
// customers (many one-off buyers, a long tail of heavy buyers), and stays
// alive for an exponential lifetime whose rate is also gamma distributed,
// so some customers stop buying. Purchase times are thinned by a seasonal
// intensity (sales, launches, the Christmas season). A share of consumers
// only interact (visits, wish lists, baskets, events) and never buy: the
// "potential" shop type of domain rules §3.2. Bad experiences (complaints) raise
// the chance of leaving (domain rules §4: 71% of customers who leave do so after
// a bad experience).
//
// Intermediaries (dealers, franchisees, wholesalers, agents) place bulk
// pre-orders for each collection, replenishment orders during the season
// and clearance orders in the sales, dozens to hundreds of units per line
// at wholesale prices, with a yearly spend derived from their [customer.Trade]
// facts, which spread over orders of magnitude.
//
// Returns follow the channel (about a quarter of online units come back,
// far fewer in stores); size and fit is the most common reason; some
// returns are exchanges. Complaints follow a small share of orders, far
// more often after a defect or a late delivery.
//
// # Streaming and determinism
//
// [Generator.All] yields one [Record] per customer and holds nothing
// between customers, so a million customers stream in constant memory.
// Customer i is generated from its own random stream, derived from the
// seed and i alone (math/rand/v2 PCG), so [Generator.Customer],
// [Generator.Range] and [Generator.All] agree on every customer, shards
// can be generated in parallel, and the output for a seed is the same
// byte for byte on every run and for every GOMAXPROCS. (Timings and prices
// are drawn with floating point; on another CPU architecture a rare
// rounding difference is possible.)
//
// # CSV
//
// [WriteCSV] writes any sequence of records in the `csv` input format of
// the crm command, one row per order line and per returned line, customer
// by customer. [Generator.WriteCSV] writes the same bytes for the whole
// shop, generating and formatting shards of customers on every core and
// recycling each record's memory; it streams a million customers (about
// ten million rows) in a few seconds.
package shopgen
