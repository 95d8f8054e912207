package pgstore

// LogsQuery is the query of ComplaintStore.Logs with a lower bound
// ($1, $2) and an upper bound ($3, $4) as asked, without the cases
// whose opening is unknown (NULL).
func LogsQuery(db *DB, lower, upper bool) string {
	return db.Complaints().logsQuery(lower, upper, false)
}
