package informixgrpc

import (
	"database/sql/driver"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"

	pb "github.com/informix-grpc-proxy/informix-grpc-proxy/clients/go/gen/informix/proxy/v1"
)

// Decimal is an exact DECIMAL/NUMERIC/MONEY value as text, e.g. Decimal("12345678901234567890.0123456789").
// As a parameter it is sent as a decimal (not a string); as a scan target it takes the exact text.
type Decimal string

var decimalPattern = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$`)

// Value implements driver.Valuer (the exact text), for code that hands it to other drivers.
func (d Decimal) Value() (driver.Value, error) {
	if !decimalPattern.MatchString(string(d)) {
		return nil, fmt.Errorf("informixgrpc: %q is not a decimal number", string(d))
	}
	return string(d), nil
}

// Scan implements sql.Scanner.
func (d *Decimal) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*d = Decimal(v)
	case []byte:
		*d = Decimal(v)
	case int64:
		*d = Decimal(fmt.Sprint(v))
	case float64:
		*d = Decimal(fmt.Sprint(v))
	case nil:
		*d = ""
	default:
		return fmt.Errorf("informixgrpc: cannot scan %T into Decimal", src)
	}
	return nil
}

// Rat is the decimal as an exact big.Rat.
func (d Decimal) Rat() (*big.Rat, bool) { return new(big.Rat).SetString(string(d)) }

// Date is a DATE parameter (the calendar day of the time, in its own location).
type Date time.Time

// Timestamp is a TIMESTAMP parameter sent as local date-time text with every fraction digit (nanoseconds),
// without an offset; a plain time.Time parameter is sent the same way after conversion to UTC.
type Timestamp time.Time

// Interval is an INTERVAL parameter in the database's native text form.
type Interval string

const localDateTime = "2006-01-02T15:04:05.999999999"

func toValue(v any) (*pb.Value, error) {
	switch x := v.(type) {
	case nil:
		return &pb.Value{Kind: &pb.Value_Null{Null: &pb.SqlNull{}}}, nil
	case bool:
		return &pb.Value{Kind: &pb.Value_BoolValue{BoolValue: x}}, nil
	case int64:
		return &pb.Value{Kind: &pb.Value_Int64Value{Int64Value: x}}, nil
	case float64:
		return &pb.Value{Kind: &pb.Value_DoubleValue{DoubleValue: x}}, nil
	case string:
		return &pb.Value{Kind: &pb.Value_StringValue{StringValue: x}}, nil
	case []byte:
		return &pb.Value{Kind: &pb.Value_BytesValue{BytesValue: x}}, nil
	case time.Time:
		return &pb.Value{Kind: &pb.Value_TimestampValue{TimestampValue: x.UTC().Format(localDateTime)}}, nil
	case Decimal:
		if _, err := x.Value(); err != nil {
			return nil, err
		}
		return &pb.Value{Kind: &pb.Value_DecimalValue{DecimalValue: string(x)}}, nil
	case Date:
		return &pb.Value{Kind: &pb.Value_DateValue{DateValue: time.Time(x).Format("2006-01-02")}}, nil
	case Timestamp:
		return &pb.Value{Kind: &pb.Value_TimestampValue{TimestampValue: time.Time(x).Format(localDateTime)}}, nil
	case Interval:
		return &pb.Value{Kind: &pb.Value_IntervalValue{IntervalValue: string(x)}}, nil
	}
	return nil, fmt.Errorf("informixgrpc: unsupported parameter type %T", v)
}

// checkValue keeps the driver's own types as they are (so Decimal stays a decimal) and lets database/sql
// convert everything else (ints, Valuers, pointers) to the standard kinds.
func checkValue(nv *driver.NamedValue) error {
	switch nv.Value.(type) {
	case Decimal, Date, Timestamp, Interval:
		return nil
	}
	return driver.ErrSkip
}

func fromValue(v *pb.Value) (driver.Value, error) {
	switch k := v.GetKind().(type) {
	case nil, *pb.Value_Null:
		return nil, nil
	case *pb.Value_BoolValue:
		return k.BoolValue, nil
	case *pb.Value_Int64Value:
		return k.Int64Value, nil
	case *pb.Value_DoubleValue:
		return k.DoubleValue, nil
	case *pb.Value_StringValue:
		return k.StringValue, nil
	case *pb.Value_BytesValue:
		return k.BytesValue, nil
	case *pb.Value_DecimalValue:
		return k.DecimalValue, nil
	case *pb.Value_DateValue:
		return time.Parse("2006-01-02", k.DateValue)
	case *pb.Value_TimestampValue:
		return parseTimestamp(k.TimestampValue)
	case *pb.Value_IntervalValue:
		return k.IntervalValue, nil
	}
	return nil, fmt.Errorf("informixgrpc: unknown value kind %T", v.GetKind())
}

func parseTimestamp(text string) (time.Time, error) {
	text = strings.Replace(text, " ", "T", 1)
	if t, err := time.Parse(time.RFC3339Nano, text); err == nil {
		return t, nil
	}
	for _, layout := range []string{localDateTime, "2006-01-02T15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999-0700", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, text); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("informixgrpc: cannot read timestamp %q", text)
}
