"""The PEP 249 exception hierarchy, mapped from the proxy's gRPC status codes and google.rpc.ErrorInfo."""

from __future__ import annotations

import grpc
from google.rpc import error_details_pb2, status_pb2


class Warning(Exception):  # noqa: A001 - the name PEP 249 requires
    pass


class Error(Exception):
    """Every error the module raises. Carries the gRPC code and what ErrorInfo/RetryInfo/BadRequest said."""

    def __init__(self, message: str, *, code: grpc.StatusCode | None = None, reason: str = "", domain: str = "",
                 metadata: dict[str, str] | None = None, retry_delay: float | None = None,
                 field_violations: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.reason = reason
        self.domain = domain
        self.metadata = metadata or {}
        self.retry_delay = retry_delay
        self.field_violations = field_violations or []

    @property
    def sqlstate(self) -> str | None:
        return self.metadata.get("sqlstate")


class InterfaceError(Error):
    pass


class DatabaseError(Error):
    pass


class DataError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class InternalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


_BY_CODE: dict[grpc.StatusCode, type[Error]] = {
    grpc.StatusCode.INVALID_ARGUMENT: ProgrammingError,
    grpc.StatusCode.NOT_FOUND: ProgrammingError,
    grpc.StatusCode.ALREADY_EXISTS: IntegrityError,
    grpc.StatusCode.FAILED_PRECONDITION: IntegrityError,
    grpc.StatusCode.ABORTED: OperationalError,
    grpc.StatusCode.UNAVAILABLE: OperationalError,
    grpc.StatusCode.RESOURCE_EXHAUSTED: OperationalError,
    grpc.StatusCode.DEADLINE_EXCEEDED: OperationalError,
    grpc.StatusCode.CANCELLED: OperationalError,
    grpc.StatusCode.UNAUTHENTICATED: OperationalError,
    grpc.StatusCode.PERMISSION_DENIED: ProgrammingError,
    grpc.StatusCode.UNIMPLEMENTED: NotSupportedError,
    grpc.StatusCode.INTERNAL: InternalError,
    grpc.StatusCode.UNKNOWN: InternalError,
    grpc.StatusCode.DATA_LOSS: InternalError,
    grpc.StatusCode.OUT_OF_RANGE: DataError,
}
# FAILED_PRECONDITION is a constraint only when the reason says so (else: a transaction-state mistake).
_PROGRAMMING_PRECONDITIONS = {"NO_TRANSACTION", "TRANSACTION_STATE"}
_DATA_REASONS = {"INVALID_VALUE", "NUMERIC_OUT_OF_RANGE", "DATA_EXCEPTION"}
_CODES_BY_NUMBER = {c.value[0]: c for c in grpc.StatusCode}


def _class_for(code: grpc.StatusCode, reason: str) -> type[Error]:
    if code == grpc.StatusCode.FAILED_PRECONDITION and reason in _PROGRAMMING_PRECONDITIONS:
        return ProgrammingError
    if code == grpc.StatusCode.INVALID_ARGUMENT and reason in _DATA_REASONS:
        return DataError
    return _BY_CODE.get(code, DatabaseError)


def from_status(rpc_status: status_pb2.Status, code: grpc.StatusCode | None = None) -> Error:
    """An Error from a google.rpc.Status: a failed call's trailer or a failed batch item."""
    code = code or _CODES_BY_NUMBER.get(rpc_status.code, grpc.StatusCode.UNKNOWN)
    fields: dict = {}
    for detail in rpc_status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            fields.update(reason=info.reason, domain=info.domain, metadata=dict(info.metadata))
        elif detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            retry = error_details_pb2.RetryInfo()
            detail.Unpack(retry)
            fields["retry_delay"] = retry.retry_delay.seconds + retry.retry_delay.nanos / 1e9
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields["field_violations"] = [(v.field, v.description) for v in bad.field_violations]
    cls = _class_for(code, fields.get("reason", ""))
    return cls(rpc_status.message, code=code, **fields)


def from_rpc_error(error: grpc.RpcError) -> Error:
    """An Error from a failed gRPC call, with the details from grpc-status-details-bin when present."""
    code = error.code() if callable(getattr(error, "code", None)) else grpc.StatusCode.UNKNOWN
    message = (error.details() if callable(getattr(error, "details", None)) else None) or str(code)
    trailers = error.trailing_metadata() if callable(getattr(error, "trailing_metadata", None)) else None
    for key, value in trailers or ():
        if key == "grpc-status-details-bin":
            try:
                parsed = status_pb2.Status.FromString(value)
            except Exception:  # a malformed trailer still leaves the code and message
                break
            parsed.message = message
            return from_status(parsed, code)
    return _class_for(code, "")(message, code=code)
