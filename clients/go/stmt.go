package informixgrpc

import (
	"context"
	"database/sql/driver"

	pb "github.com/informix-grpc-proxy/informix-grpc-proxy/clients/go/gen/informix/proxy/v1"
)

// Stmt is a statement prepared on the session's connection.
type Stmt struct {
	conn     *Conn
	id       string
	numInput int
}

var (
	_ driver.StmtExecContext   = (*Stmt)(nil)
	_ driver.StmtQueryContext  = (*Stmt)(nil)
	_ driver.NamedValueChecker = (*Stmt)(nil)
)

// Close releases the prepared statement.
func (s *Stmt) Close() error {
	ctx, cancel := s.conn.callContext(context.Background())
	defer cancel()
	_, err := s.conn.client.ClosePrepared(ctx, &pb.ClosePreparedRequest{SessionId: s.conn.sessionID, StatementId: s.id})
	if err != nil && !s.conn.broken {
		return s.conn.fail(err, false)
	}
	return nil
}

// NumInput is the number of ? placeholders.
func (s *Stmt) NumInput() int { return s.numInput }

// CheckNamedValue implements driver.NamedValueChecker.
func (s *Stmt) CheckNamedValue(nv *driver.NamedValue) error { return checkValue(nv) }

// Exec implements driver.Stmt.
func (s *Stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

// Query implements driver.Stmt.
func (s *Stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

// ExecContext runs the prepared statement.
func (s *Stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.conn.exec(ctx, &pb.ExecuteRequest{SessionId: s.conn.sessionID, StatementId: s.id}, args)
}

// QueryContext runs the prepared statement and streams its rows.
func (s *Stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.conn.query(ctx, &pb.ExecuteStreamRequest{SessionId: s.conn.sessionID, StatementId: s.id}, args)
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, v := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

// Tx is the session's open transaction.
type Tx struct{ conn *Conn }

// Commit commits the transaction.
func (t *Tx) Commit() error {
	ctx, cancel := t.conn.callContext(context.Background())
	defer cancel()
	t.conn.inTx = false
	if _, err := t.conn.client.Commit(ctx, &pb.CommitRequest{SessionId: t.conn.sessionID}); err != nil {
		return t.conn.fail(err, false)
	}
	return nil
}

// Rollback rolls the transaction back.
func (t *Tx) Rollback() error {
	ctx, cancel := t.conn.callContext(context.Background())
	defer cancel()
	t.conn.inTx = false
	if _, err := t.conn.client.Rollback(ctx, &pb.RollbackRequest{SessionId: t.conn.sessionID}); err != nil {
		return t.conn.fail(err, false)
	}
	return nil
}
