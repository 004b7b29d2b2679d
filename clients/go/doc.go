// Package informixgrpc is a database/sql driver for informix-grpc-proxy, the gRPC gateway to IBM Informix,
// PostgreSQL and SQLite.
//
//	import (
//		"database/sql"
//		_ "github.com/informix-grpc-proxy/informix-grpc-proxy/clients/go"
//	)
//
//	db, err := sql.Open("informixgrpc", "informixgrpc://proxy.internal:50051/stores?ca=/etc/igp/ca.pem&api_key=igp_...")
//	rows, err := db.QueryContext(ctx, "SELECT customer_id, credit_limit FROM customer WHERE city = ?", "Berlin")
//
// Each database/sql connection is one proxy session (one pinned database connection), so transactions
// (BeginTx with isolation levels and read-only) and prepared statements behave as usual. Rows stream over
// ExecuteStream: a slow reader slows the database cursor instead of filling memory. The context's deadline
// becomes the gRPC deadline, which the proxy enforces by cancelling the statement in the database; a
// cancelled context cancels the call.
//
// Values: INT64 as int64, DOUBLE as float64, DECIMAL as its exact text (scan into string or Decimal), DATE and
// TIMESTAMP as time.Time in UTC (every fraction digit up to nanoseconds), bytes as []byte, INTERVAL as string.
// Parameters: the database/sql kinds plus Decimal, Date, Timestamp and Interval, which say the SQL type
// (Decimal also implements driver.Valuer for code that passes values to other drivers).
package informixgrpc
