package informixgrpc

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	pb "github.com/informix-grpc-proxy/informix-grpc-proxy/clients/go/gen/informix/proxy/v1"
)

// Conn is one proxy session. database/sql uses it from one goroutine at a time.
type Conn struct {
	connector     *Connector
	client        pb.SqlServiceClient
	sessionID     string
	database      string
	serverVersion string
	inTx          bool
	broken        bool
}

var (
	_ driver.Conn               = (*Conn)(nil)
	_ driver.ConnBeginTx        = (*Conn)(nil)
	_ driver.ConnPrepareContext = (*Conn)(nil)
	_ driver.ExecerContext      = (*Conn)(nil)
	_ driver.QueryerContext     = (*Conn)(nil)
	_ driver.Pinger             = (*Conn)(nil)
	_ driver.NamedValueChecker  = (*Conn)(nil)
	_ driver.Validator          = (*Conn)(nil)
)

func (c *Conn) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return c.connector.withCredentials(ctx)
}

// fail records a lost session so database/sql drops this connection.
func (c *Conn) fail(err error, nothingRan bool) error {
	mapped := mapError(err, nothingRan)
	if errors.Is(mapped, driver.ErrBadConn) {
		c.broken = true
	} else if e, ok := AsError(mapped); ok && e.Reason == "SESSION_NOT_FOUND" {
		c.broken = true
	}
	return mapped
}

// IsValid implements driver.Validator.
func (c *Conn) IsValid() bool { return !c.broken }

// ServerVersion is the database server's product and version.
func (c *Conn) ServerVersion() string { return c.serverVersion }

// CheckNamedValue implements driver.NamedValueChecker (keeps Decimal, Date, Timestamp, Interval).
func (c *Conn) CheckNamedValue(nv *driver.NamedValue) error { return checkValue(nv) }

func params(args []driver.NamedValue) ([]*pb.Value, error) {
	out := make([]*pb.Value, len(args))
	for i, a := range args {
		if a.Name != "" {
			return nil, fmt.Errorf("informixgrpc: named parameters are not supported; use ? placeholders")
		}
		v, err := toValue(a.Value)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// Prepare implements driver.Conn.
func (c *Conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext prepares the statement on the session's connection.
func (c *Conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	callCtx, cancel := c.callContext(ctx)
	defer cancel()
	res, err := c.client.Prepare(callCtx, &pb.PrepareRequest{SessionId: c.sessionID, Sql: query})
	if err != nil {
		return nil, c.fail(err, true)
	}
	return &Stmt{conn: c, id: res.GetStatementId(), numInput: int(res.GetParameterCount())}, nil
}

// Close releases the session; an open transaction is rolled back.
func (c *Conn) Close() error {
	ctx, cancel := c.callContext(context.Background())
	defer cancel()
	_, err := c.client.CloseSession(ctx, &pb.CloseSessionRequest{SessionId: c.sessionID})
	if err != nil && !c.broken {
		if e, ok := AsError(mapError(err, false)); ok && e.Reason == "SESSION_NOT_FOUND" {
			return nil // already gone (expired): nothing left to release
		}
		return mapError(err, false)
	}
	return nil
}

// Begin implements driver.Conn.
func (c *Conn) Begin() (driver.Tx, error) { return c.BeginTx(context.Background(), driver.TxOptions{}) }

var isolationLevels = map[sql.IsolationLevel]pb.IsolationLevel{
	sql.LevelDefault:         pb.IsolationLevel_ISOLATION_LEVEL_UNSPECIFIED,
	sql.LevelReadUncommitted: pb.IsolationLevel_ISOLATION_LEVEL_READ_UNCOMMITTED,
	sql.LevelReadCommitted:   pb.IsolationLevel_ISOLATION_LEVEL_READ_COMMITTED,
	sql.LevelRepeatableRead:  pb.IsolationLevel_ISOLATION_LEVEL_REPEATABLE_READ,
	sql.LevelSerializable:    pb.IsolationLevel_ISOLATION_LEVEL_SERIALIZABLE,
}

// BeginTx starts a transaction with the isolation level and read-only flag of opts.
func (c *Conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	level, ok := isolationLevels[sql.IsolationLevel(opts.Isolation)]
	if !ok {
		return nil, fmt.Errorf("informixgrpc: isolation level %s is not supported", sql.IsolationLevel(opts.Isolation))
	}
	callCtx, cancel := c.callContext(ctx)
	defer cancel()
	_, err := c.client.BeginTransaction(callCtx, &pb.BeginTransactionRequest{
		SessionId: c.sessionID, Isolation: level, ReadOnly: opts.ReadOnly,
	})
	if err != nil {
		return nil, c.fail(err, true)
	}
	c.inTx = true
	return &Tx{conn: c}, nil
}

// ExecContext runs a statement without preparing it.
func (c *Conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.exec(ctx, &pb.ExecuteRequest{SessionId: c.sessionID, Sql: query}, args)
}

func (c *Conn) exec(ctx context.Context, req *pb.ExecuteRequest, args []driver.NamedValue) (driver.Result, error) {
	values, err := params(args)
	if err != nil {
		return nil, err
	}
	req.Params = values
	req.MaxRows = 1
	callCtx, cancel := c.callContext(ctx)
	defer cancel()
	res, err := c.client.Execute(callCtx, req)
	if err != nil {
		return nil, c.fail(err, true)
	}
	return result(res.GetRowsAffected()), nil
}

// QueryContext runs a statement and streams its rows.
func (c *Conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.query(ctx, &pb.ExecuteStreamRequest{SessionId: c.sessionID, Sql: query}, args)
}

func (c *Conn) query(ctx context.Context, req *pb.ExecuteStreamRequest, args []driver.NamedValue) (driver.Rows, error) {
	values, err := params(args)
	if err != nil {
		return nil, err
	}
	req.Params = values
	req.FetchSize = c.connector.cfg.FetchSize
	// The stream lives as long as the Rows, so it gets its own cancel (Rows.Close) instead of a deferred one.
	callCtx, cancel := c.callContext(ctx)
	streamCtx, stop := context.WithCancel(callCtx)
	stream, err := c.client.ExecuteStream(streamCtx, req)
	if err != nil {
		stop()
		cancel()
		return nil, c.fail(err, true)
	}
	rows := &Rows{conn: c, stream: stream, cancel: func() { stop(); cancel() }}
	if err := rows.readHeader(); err != nil {
		rows.cancel()
		return nil, err
	}
	return rows, nil
}

// Ping makes one database round trip.
func (c *Conn) Ping(ctx context.Context) error {
	callCtx, cancel := c.callContext(ctx)
	defer cancel()
	_, err := c.client.Execute(callCtx, &pb.ExecuteRequest{SessionId: c.sessionID, Sql: pingSQL(c.serverVersion), MaxRows: 1})
	if err != nil {
		return c.fail(err, true)
	}
	return nil
}

// pingSQL is a statement every backend accepts; Informix needs a FROM clause.
func pingSQL(serverVersion string) string {
	if len(serverVersion) >= 8 && (serverVersion[:8] == "Informix" || serverVersion[:8] == "IBM Info") {
		return "SELECT 1 FROM systables WHERE tabid = 1"
	}
	return "SELECT 1"
}

type result int64

func (r result) LastInsertId() (int64, error) {
	return 0, errors.New("informixgrpc: LastInsertId is not supported; use RETURNING or a SERIAL query")
}
func (r result) RowsAffected() (int64, error) { return int64(r), nil }
