package informixgrpc

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Error is an error of the proxy: the gRPC code and what google.rpc.ErrorInfo, RetryInfo and BadRequest said.
// A failed call and a failed batch item give the same Error.
type Error struct {
	Code    codes.Code
	Message string
	// Reason is ErrorInfo.reason, e.g. "OBJECT_NOT_FOUND", "UNIQUE_VIOLATION".
	Reason string
	// Metadata is ErrorInfo.metadata: sqlstate, native_code, database, batch_index...
	Metadata map[string]string
	// RetryDelay is set when the server says a retry after this long can succeed.
	RetryDelay      time.Duration
	FieldViolations []FieldViolation
}

// FieldViolation names a bad request field (google.rpc.BadRequest).
type FieldViolation struct{ Field, Description string }

func (e *Error) Error() string { return fmt.Sprintf("informixgrpc: %s: %s", e.Code, e.Message) }

// SQLState is the SQLSTATE the database reported, or "".
func (e *Error) SQLState() string { return e.Metadata["sqlstate"] }

// GRPCStatus lets status.FromError and status.Code see the original code.
func (e *Error) GRPCStatus() *status.Status { return status.New(e.Code, e.Message) }

// Retryable says whether the same call can succeed later (the proxy's retriable codes, or RetryInfo).
func (e *Error) Retryable() bool {
	return e.Code == codes.Unavailable || e.Code == codes.Aborted || e.RetryDelay > 0
}

func errorFromStatus(s *spb.Status) *Error {
	out := &Error{Code: codes.Code(s.GetCode()), Message: s.GetMessage(), Metadata: map[string]string{}}
	for _, any := range s.GetDetails() {
		message, err := any.UnmarshalNew()
		if err != nil {
			continue
		}
		switch d := message.(type) {
		case *errdetails.ErrorInfo:
			out.Reason = d.GetReason()
			for k, v := range d.GetMetadata() {
				out.Metadata[k] = v
			}
		case *errdetails.RetryInfo:
			out.RetryDelay = d.GetRetryDelay().AsDuration()
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				out.FieldViolations = append(out.FieldViolations, FieldViolation{v.GetField(), v.GetDescription()})
			}
		}
	}
	return out
}

// mapError turns a gRPC error into *Error. A session the proxy no longer knows (expired, or the proxy
// restarted) is driver.ErrBadConn when nothing ran yet, so database/sql retries on a fresh connection.
func mapError(err error, nothingRan bool) error {
	if err == nil {
		return nil
	}
	s, ok := status.FromError(err)
	if !ok {
		return err
	}
	e := errorFromStatus(s.Proto())
	if nothingRan && e.Code == codes.NotFound && e.Reason == "SESSION_NOT_FOUND" {
		return fmt.Errorf("%w: %v", driver.ErrBadConn, e)
	}
	return e
}

// AsError returns the *Error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
