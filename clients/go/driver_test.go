package informixgrpc_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	informixgrpc "github.com/informix-grpc-proxy/informix-grpc-proxy/clients/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func open(t *testing.T, backend string) *sql.DB {
	t.Helper()
	db, err := sql.Open("informixgrpc", fmt.Sprintf("informixgrpc://%s/%s?fetch_size=2", fixture.Plain, fixture.Databases[backend]))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func scratch(t *testing.T, db *sql.DB, backend string) string {
	t.Helper()
	name := fmt.Sprintf("go_%08x", rand.Uint32())
	decimalType, bytesType := "DECIMAL(32,10)", "BYTEA"
	if backend == "sqlite" {
		decimalType, bytesType = "DECIMAL_TEXT(32,10)", "BLOB"
	}
	_, err := db.Exec(fmt.Sprintf("CREATE TABLE %s (id BIGINT PRIMARY KEY, amount %s, note VARCHAR(100), at TIMESTAMP, day DATE, raw %s, flag BOOLEAN)", name, decimalType, bytesType))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = db.Exec("DROP TABLE " + name) })
	return name
}

func forEachBackend(t *testing.T, test func(t *testing.T, backend string, db *sql.DB)) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) { test(t, backend, open(t, backend)) })
	}
}

func TestQueryTypedValues(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string, db *sql.DB) {
		var id int64
		var limit informixgrpc.Decimal
		var active bool
		var created time.Time
		err := db.QueryRow("SELECT customer_id, credit_limit, active, created_at FROM customer WHERE customer_id = ?", 1).
			Scan(&id, &limit, &active, &created)
		if err != nil {
			t.Fatal(err)
		}
		if id != 1 || !strings.Contains(string(limit), ".") || created.IsZero() {
			t.Fatalf("got %d %q %v %v", id, limit, active, created)
		}
		rows, err := db.Query("SELECT credit_limit FROM customer WHERE customer_id = 1")
		if err != nil {
			t.Fatal(err)
		}
		types, _ := rows.ColumnTypes()
		if _, scale, ok := types[0].DecimalSize(); !ok || scale != 2 {
			t.Fatalf("decimal size: %v %v", scale, ok)
		}
		_ = rows.Close()
	})
}

func TestLosslessRoundTrip(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string, db *sql.DB) {
		table := scratch(t, db, backend)
		const big = int64(9223372036854775807)
		amount := informixgrpc.Decimal("1234567890123456789012.0123456789")
		raw := make([]byte, 256)
		for i := range raw {
			raw[i] = byte(i)
		}
		at := time.Date(2026, 3, 4, 5, 6, 7, 891234000, time.UTC)
		day := time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)
		_, err := db.Exec("INSERT INTO "+table+" (id, amount, note, at, day, raw, flag) VALUES (?, ?, ?, ?, ?, ?, ?)",
			big, amount, nil, at, informixgrpc.Date(day), raw, true)
		if err != nil {
			t.Fatal(err)
		}
		var (
			gotID     int64
			gotAmount informixgrpc.Decimal
			gotNote   sql.NullString
			gotAt     time.Time
			gotDay    time.Time
			gotRaw    []byte
			gotFlag   bool
		)
		err = db.QueryRow("SELECT id, amount, note, at, day, raw, flag FROM "+table+" WHERE id = ?", big).
			Scan(&gotID, &gotAmount, &gotNote, &gotAt, &gotDay, &gotRaw, &gotFlag)
		if err != nil {
			t.Fatal(err)
		}
		if gotID != big || gotAmount != amount || gotNote.Valid || !gotAt.Equal(at) || !gotDay.Equal(day) || string(gotRaw) != string(raw) || !gotFlag {
			t.Fatalf("round trip: %d %q %v %v %v %d %v", gotID, gotAmount, gotNote, gotAt, gotDay, len(gotRaw), gotFlag)
		}
	})
}

func TestRowsStreamAndEarlyClose(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string, db *sql.DB) {
		var count int
		if err := db.QueryRow("SELECT count(*) FROM products").Scan(&count); err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query("SELECT product_id FROM products ORDER BY product_id")
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		last := int64(-1)
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			if id <= last {
				t.Fatalf("out of order: %d after %d", id, last)
			}
			last = id
			seen++
		}
		if err := rows.Err(); err != nil || seen != count {
			t.Fatalf("seen %d of %d: %v", seen, count, err)
		}
		// Closing early many times frees each session's cursor (more than a pool holds).
		for i := 0; i < 12; i++ {
			rows, err := db.Query("SELECT * FROM inventory_movements")
			if err != nil {
				t.Fatal(err)
			}
			rows.Next()
			_ = rows.Close()
		}
		if err := db.Ping(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestTransactionsWithIsolationLevels(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string, db *sql.DB) {
		table := scratch(t, db, backend)
		ctx := context.Background()
		tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec("INSERT INTO "+table+" (id) VALUES (?)", 1); err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		tx, err = db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec("INSERT INTO "+table+" (id) VALUES (?)", 2); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		rows, _ := db.Query("SELECT id FROM " + table + " ORDER BY id")
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			ids = append(ids, id)
		}
		if len(ids) != 1 || ids[0] != 2 {
			t.Fatalf("ids %v", ids)
		}
		if _, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelLinearizable}); err == nil {
			t.Fatal("linearizable accepted")
		}
	})
}

func TestPreparedStatements(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string, db *sql.DB) {
		conn, err := db.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		stmt, err := conn.PrepareContext(context.Background(), "SELECT name FROM products WHERE product_id = ?")
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{1, 2} {
			var name string
			if err := stmt.QueryRow(id).Scan(&name); err != nil || name == "" {
				t.Fatalf("product %d: %q %v", id, name, err)
			}
		}
		if err := stmt.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestErrorsCarryCodeAndDetails(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string, db *sql.DB) {
		_, err := db.Exec("SELECT * FROM no_such_table_here")
		e, ok := informixgrpc.AsError(err)
		if !ok || e.Code != codes.NotFound || e.Reason != "OBJECT_NOT_FOUND" || status.Code(err) != codes.NotFound {
			t.Fatalf("got %#v", err)
		}
		table := scratch(t, db, backend)
		_, _ = db.Exec("INSERT INTO " + table + " (id) VALUES (1)")
		_, err = db.Exec("INSERT INTO " + table + " (id) VALUES (1)")
		e, _ = informixgrpc.AsError(err)
		if e == nil || e.Code != codes.AlreadyExists || (backend == "postgres" && e.SQLState() != "23505") {
			t.Fatalf("unique violation: %#v", err)
		}
	})
}

func TestContextDeadlineAndCancel(t *testing.T) {
	slow := "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT x FROM c"
	forEachBackend(t, func(t *testing.T, backend string, db *sql.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		var err error
		if backend == "postgres" {
			_, err = db.ExecContext(ctx, "SELECT pg_sleep(5)")
		} else {
			err = readSlowly(ctx, db, slow)
		}
		if status.Code(err) != codes.DeadlineExceeded && !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("deadline: %v", err)
		}
		ctx2, cancel2 := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel2)
		if backend == "postgres" {
			_, err = db.ExecContext(ctx2, "SELECT pg_sleep(5)")
		} else {
			err = readSlowly(ctx2, db, slow)
		}
		if status.Code(err) != codes.Canceled && !errors.Is(err, context.Canceled) {
			t.Fatalf("cancel: %v", err)
		}
	})
}

// readSlowly reads a long result one row at a time (SQLite runs statement steps on the proxy's event loop).
func readSlowly(ctx context.Context, db *sql.DB, query string) error {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		time.Sleep(20 * time.Millisecond)
	}
	return rows.Err()
}

func TestTLSAndAPIKey(t *testing.T) {
	db, err := sql.Open("informixgrpc", fmt.Sprintf("informixgrpc://%s/?ca=%s&api_key=%s", fixture.Secure, fixture.CAFile, fixture.APIKey))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.QueryRow("SELECT count(*) FROM customer").Scan(&n); err != nil || n == 0 {
		t.Fatalf("count %d: %v", n, err)
	}
	without, _ := sql.Open("informixgrpc", fmt.Sprintf("informixgrpc://%s/?ca=%s", fixture.Secure, fixture.CAFile))
	defer without.Close()
	if err := without.Ping(); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("without a key: %v", err)
	}
}

func TestParseDSN(t *testing.T) {
	cfg, err := informixgrpc.ParseDSN("informixgrpc://h:1/db?tls=true&timeout=5s&fetch_size=10&server_name=x")
	if err != nil || cfg.Address != "h:1" || cfg.Database != "db" || !cfg.TLS || cfg.Timeout != 5*time.Second || cfg.FetchSize != 10 {
		t.Fatalf("%+v %v", cfg, err)
	}
	for _, bad := range []string{"postgres://h/db", "informixgrpc://h/?tls=maybe", "informixgrpc://h/?api_key=a&token=b", "informixgrpc://h/?timeout=soon"} {
		if _, err := informixgrpc.ParseDSN(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if _, err := informixgrpc.Decimal("12x").Value(); err == nil {
		t.Error("bad decimal accepted")
	}
}
