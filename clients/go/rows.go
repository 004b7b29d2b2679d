package informixgrpc

import (
	"database/sql/driver"
	"io"
	"reflect"
	"time"

	pb "github.com/informix-grpc-proxy/informix-grpc-proxy/clients/go/gen/informix/proxy/v1"
	"google.golang.org/grpc"
)

// Rows reads an ExecuteStream: the header's columns, then row batches as Next asks for them, then the summary.
type Rows struct {
	conn    *Conn
	stream  grpc.ServerStreamingClient[pb.ExecuteStreamResponse]
	cancel  func()
	columns []*pb.Column
	batch   []*pb.Row
	done    bool
	summary *pb.ResultSummary
}

var (
	_ driver.Rows                           = (*Rows)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*Rows)(nil)
	_ driver.RowsColumnTypeNullable         = (*Rows)(nil)
	_ driver.RowsColumnTypePrecisionScale   = (*Rows)(nil)
	_ driver.RowsColumnTypeScanType         = (*Rows)(nil)
)

func (r *Rows) readHeader() error {
	msg, err := r.stream.Recv()
	if err != nil {
		return r.conn.fail(err, true)
	}
	r.columns = msg.GetHeader().GetColumns()
	return nil
}

// Columns implements driver.Rows.
func (r *Rows) Columns() []string {
	names := make([]string, len(r.columns))
	for i, c := range r.columns {
		names[i] = c.GetName()
	}
	return names
}

// Close cancels the stream if it is not finished (the proxy closes its cursor at once).
func (r *Rows) Close() error {
	r.done = true
	r.cancel()
	return nil
}

// Next implements driver.Rows.
func (r *Rows) Next(dest []driver.Value) error {
	for len(r.batch) == 0 {
		if r.done {
			return io.EOF
		}
		msg, err := r.stream.Recv()
		if err == io.EOF {
			r.done = true
			return io.EOF
		}
		if err != nil {
			r.done = true
			return r.conn.fail(err, false)
		}
		switch p := msg.GetPayload().(type) {
		case *pb.ExecuteStreamResponse_Batch:
			r.batch = p.Batch.GetRows()
		case *pb.ExecuteStreamResponse_Summary:
			r.summary = p.Summary
		}
	}
	row := r.batch[0]
	r.batch = r.batch[1:]
	for i, v := range row.GetValues() {
		if i >= len(dest) {
			break
		}
		value, err := fromValue(v)
		if err != nil {
			return err
		}
		dest[i] = value
	}
	return nil
}

// ColumnTypeDatabaseTypeName is the database's own type name, e.g. "numeric(32,10)".
func (r *Rows) ColumnTypeDatabaseTypeName(i int) string { return r.columns[i].GetNativeType() }

// ColumnTypeNullable implements driver.RowsColumnTypeNullable.
func (r *Rows) ColumnTypeNullable(i int) (bool, bool) { return r.columns[i].GetNullable(), true }

// ColumnTypePrecisionScale implements driver.RowsColumnTypePrecisionScale for decimals.
func (r *Rows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	c := r.columns[i]
	return int64(c.GetPrecision()), int64(c.GetScale()), c.GetType() == pb.ColumnType_COLUMN_TYPE_DECIMAL
}

var scanTypes = map[pb.ColumnType]reflect.Type{
	pb.ColumnType_COLUMN_TYPE_BOOL:      reflect.TypeOf(false),
	pb.ColumnType_COLUMN_TYPE_INT64:     reflect.TypeOf(int64(0)),
	pb.ColumnType_COLUMN_TYPE_DOUBLE:    reflect.TypeOf(float64(0)),
	pb.ColumnType_COLUMN_TYPE_STRING:    reflect.TypeOf(""),
	pb.ColumnType_COLUMN_TYPE_BYTES:     reflect.TypeOf([]byte(nil)),
	pb.ColumnType_COLUMN_TYPE_DECIMAL:   reflect.TypeOf(Decimal("")),
	pb.ColumnType_COLUMN_TYPE_DATE:      reflect.TypeOf(time.Time{}),
	pb.ColumnType_COLUMN_TYPE_TIMESTAMP: reflect.TypeOf(time.Time{}),
	pb.ColumnType_COLUMN_TYPE_INTERVAL:  reflect.TypeOf(""),
}

// ColumnTypeScanType implements driver.RowsColumnTypeScanType.
func (r *Rows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := scanTypes[r.columns[i].GetType()]; ok {
		return t
	}
	return reflect.TypeOf(new(any)).Elem()
}
