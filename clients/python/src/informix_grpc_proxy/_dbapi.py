"""PEP 249 connections and cursors over the proxy's SqlService.

A Connection pins one proxy session (one database connection). Outside autocommit, the first statement after
connect/commit/rollback opens a transaction (BeginTransaction), as PEP 249 expects; ``commit()`` and
``rollback()`` end it, ``close()`` rolls back what is left. Cursors read results from ExecuteStream lazily:
``fetchmany`` pulls from the stream, so a large result never has to fit in memory. A session runs one call
at a time, so starting a statement first reads what an earlier cursor of this connection left unread.
"""

from __future__ import annotations

import datetime as _dt
import threading
import time as _time
from collections.abc import Iterator, Sequence

import grpc

from . import _values
from ._channel import Settings, settings
from .exceptions import Error, InterfaceError, NotSupportedError, ProgrammingError, from_rpc_error, from_status
from .gen.informix.proxy.v1 import sql_service_pb2 as pb
from .gen.informix.proxy.v1 import sql_service_pb2_grpc as pb_grpc
from .gen.informix.proxy.v1 import values_pb2 as vpb


# Type objects and constructors (PEP 249).
class _TypeObject:
    def __init__(self, *codes: int) -> None:
        self.codes = frozenset(codes)

    def __eq__(self, other: object) -> bool:
        return other in self.codes if isinstance(other, int) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.codes)


STRING = _TypeObject(vpb.COLUMN_TYPE_STRING, vpb.COLUMN_TYPE_INTERVAL, vpb.COLUMN_TYPE_UNSPECIFIED)
BINARY = _TypeObject(vpb.COLUMN_TYPE_BYTES)
NUMBER = _TypeObject(vpb.COLUMN_TYPE_INT64, vpb.COLUMN_TYPE_DOUBLE, vpb.COLUMN_TYPE_DECIMAL, vpb.COLUMN_TYPE_BOOL)
DATETIME = _TypeObject(vpb.COLUMN_TYPE_DATE, vpb.COLUMN_TYPE_TIMESTAMP)
ROWID = _TypeObject()

Date = _dt.date
Time = _dt.time
Timestamp = _dt.datetime
Binary = bytes


def DateFromTicks(ticks: float) -> _dt.date:  # noqa: N802 - PEP 249 names
    return _dt.date(*_time.localtime(ticks)[:3])


def TimeFromTicks(ticks: float) -> _dt.time:  # noqa: N802
    return _dt.time(*_time.localtime(ticks)[3:6])


def TimestampFromTicks(ticks: float) -> _dt.datetime:  # noqa: N802
    return _dt.datetime(*_time.localtime(ticks)[:6])


_ISOLATION = {
    None: pb.ISOLATION_LEVEL_UNSPECIFIED,
    "read_uncommitted": pb.ISOLATION_LEVEL_READ_UNCOMMITTED,
    "read_committed": pb.ISOLATION_LEVEL_READ_COMMITTED,
    "repeatable_read": pb.ISOLATION_LEVEL_REPEATABLE_READ,
    "serializable": pb.ISOLATION_LEVEL_SERIALIZABLE,
}


def open_channel(config: Settings) -> grpc.Channel:
    if not config.tls:
        return grpc.insecure_channel(config.address, options=config.channel_options())
    creds = grpc.ssl_channel_credentials(root_certificates=config.ca, private_key=config.key,
                                         certificate_chain=config.cert)
    return grpc.secure_channel(config.address, creds, options=config.channel_options())


def connect(address: str | None = None, database: str = "", *, autocommit: bool = False, tls: bool | None = None,
            ca: str | bytes | None = None, cert: str | bytes | None = None, key: str | bytes | None = None,
            server_name: str | None = None, api_key: str | None = None, token=None, timeout: float | None = 30.0,
            isolation: str | None = None, fetch_size: int = 0) -> Connection:
    """Connects to the proxy and opens a session on a configured database (default: the proxy's default).

    address: host:port (else IGP_ADDRESS, else 127.0.0.1:50051). tls/ca/cert/key: TLS with the proxy's CA
    (ca also from IGP_CA) and an optional client certificate. api_key or token (a JWT, or a function returning
    one before each call; also IGP_API_KEY / IGP_TOKEN). timeout: seconds per call. isolation: the level of
    the transactions this connection opens (read_committed, serializable, ...).
    """
    if isolation not in _ISOLATION:
        raise ProgrammingError(f"unknown isolation level {isolation!r}")
    config = settings(address, database, tls, ca, cert, key, server_name, api_key, token, timeout)
    return Connection(config, autocommit=autocommit, isolation=isolation, fetch_size=fetch_size)


class Connection:
    def __init__(self, config: Settings, *, autocommit: bool, isolation: str | None, fetch_size: int) -> None:
        self._config = config
        self._channel = open_channel(config)
        self._stub = pb_grpc.SqlServiceStub(self._channel)
        self._lock = threading.RLock()
        self._isolation = _ISOLATION[isolation]
        self._fetch_size = fetch_size
        self.autocommit = autocommit
        self._in_transaction = False
        self._active: Cursor | None = None
        self._closed = False
        opened = self._call(self._stub.OpenSession, pb.OpenSessionRequest(database=config.database))
        self.session_id = opened.session_id
        self.database = opened.database
        self.server_version = opened.server_version

    # PEP 249 optional extension: the exception classes as connection attributes.
    from .exceptions import (  # noqa: E402
        DatabaseError, DataError, Error, IntegrityError, InterfaceError, InternalError, NotSupportedError,
        OperationalError, ProgrammingError, Warning,
    )

    def _call(self, method, request):
        try:
            return method(request, timeout=self._config.timeout, metadata=self._config.metadata())
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None

    def _check(self) -> None:
        if self._closed:
            raise InterfaceError("the connection is closed")

    def _before_statement(self, cursor: Cursor) -> None:
        """Frees the session for a new statement and opens the transaction PEP 249 expects."""
        self._check()
        if self._active is not None and self._active is not cursor:
            self._active._buffer_rest()
        self._active = None
        if not self.autocommit and not self._in_transaction:
            self._call(self._stub.BeginTransaction,
                       pb.BeginTransactionRequest(session_id=self.session_id, isolation=self._isolation))
            self._in_transaction = True

    def _end(self, method, request) -> None:
        with self._lock:
            self._check()
            if self._active is not None:
                self._active._buffer_rest()
                self._active = None
            if self._in_transaction:
                self._in_transaction = False
                self._call(method, request)

    def commit(self) -> None:
        self._end(self._stub.Commit, pb.CommitRequest(session_id=self.session_id))

    def rollback(self) -> None:
        self._end(self._stub.Rollback, pb.RollbackRequest(session_id=self.session_id))

    def close(self) -> None:
        """Closes the session (rolling back an open transaction) and the channel. Closing twice is allowed."""
        if self._closed:
            return
        with self._lock:
            if self._active is not None:
                self._active._cancel()
            try:
                self._call(self._stub.CloseSession, pb.CloseSessionRequest(session_id=self.session_id))
            except Error:
                pass  # the session may already have expired; the proxy rolls it back either way
            finally:
                self._closed = True
                self._channel.close()

    def cursor(self) -> Cursor:
        self._check()
        return Cursor(self)

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self._closed:
            if exc_type is None:
                self.commit()
            else:
                self.rollback()
            self.close()


def _description(columns) -> tuple | None:
    if not columns:
        return None
    return tuple((c.name, c.type, None, None, c.precision or None, c.scale or None, c.nullable) for c in columns)


class Cursor:
    arraysize = 1

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.description: tuple | None = None
        self.rowcount = -1
        self.lastrowid = None
        self.arraysize = 1
        self._stream = None
        self._buffer: list[tuple] = []
        self._closed = False
        #: Per-statement details: True when a row limit cut the result (v1 truncated flag).
        self.native_types: tuple[str, ...] = ()

    def _check(self) -> None:
        if self._closed:
            raise InterfaceError("the cursor is closed")
        self.connection._check()

    def close(self) -> None:
        if not self._closed:
            self._cancel()
            self._closed = True

    def __enter__(self) -> Cursor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def setinputsizes(self, sizes) -> None:
        pass

    def setoutputsize(self, size, column=None) -> None:
        pass

    def callproc(self, procname, parameters=()):
        raise NotSupportedError("callproc is not supported: use execute('EXECUTE PROCEDURE ...') instead")

    def execute(self, operation: str, parameters: Sequence | None = None) -> Cursor:
        self._check()
        conn = self.connection
        with conn._lock:
            self._cancel()
            conn._before_statement(self)
            request = pb.ExecuteStreamRequest(
                session_id=conn.session_id,
                sql=operation,
                params=[_values.to_value(p) for p in (parameters or ())],
                fetch_size=conn._fetch_size,
            )
            try:
                stream = conn._stub.ExecuteStream(request, timeout=conn._config.timeout,
                                                  metadata=conn._config.metadata())
                first = next(stream)
            except grpc.RpcError as error:
                raise from_rpc_error(error) from None
            except TypeError as error:
                raise ProgrammingError(str(error)) from None
            header = first.header
            self.description = _description(header.columns)
            self.native_types = tuple(c.native_type for c in header.columns)
            self.rowcount = -1
            self._stream = stream
            conn._active = self
            if self.description is None:
                self._buffer_rest()  # no rows: read to the summary for rowcount
        return self

    def executemany(self, operation: str, seq_of_parameters) -> Cursor:
        self._check()
        conn = self.connection
        sets = [pb.ParameterSet(params=[_values.to_value(p) for p in params]) for params in seq_of_parameters]
        with conn._lock:
            self._cancel()
            conn._before_statement(self)
            self.description = None
            if not sets:
                self.rowcount = 0
                return self
            response = conn._call(conn._stub.ExecuteBatch,
                                  pb.ExecuteBatchRequest(session_id=conn.session_id, sql=operation,
                                                         parameter_sets=sets))
            failed = next((r for r in response.results if r.HasField("error")), None)
            if failed is not None:
                raise from_status(failed.error)
            self.rowcount = response.total_rows_affected
        return self

    # Reading the stream.
    def _next_message(self):
        try:
            return next(self._stream)
        except StopIteration:
            self._stream = None
            return None
        except grpc.RpcError as error:
            self._stream = None
            raise from_rpc_error(error) from None

    def _pull(self) -> bool:
        """Reads one more message into the buffer; False once the stream is done."""
        while self._stream is not None:
            message = self._next_message()
            if message is None:
                break
            kind = message.WhichOneof("payload")
            if kind == "batch":
                self._buffer.extend(tuple(_values.from_value(v) for v in row.values) for row in message.batch.rows)
                return True
            if kind == "summary":
                self.rowcount = message.summary.rows_affected if self.description is None else message.summary.row_count
        if self.connection._active is self:
            self.connection._active = None
        return False

    def _buffer_rest(self) -> None:
        while self._pull():
            pass

    def _cancel(self) -> None:
        if self._stream is not None:
            self._stream.cancel()
            self._stream = None
        self._buffer = []
        if self.connection._active is self:
            self.connection._active = None

    def _require_result(self) -> None:
        self._check()
        if self.description is None:
            raise ProgrammingError("no result set: the last statement returned no rows (or nothing was executed)")

    def fetchone(self) -> tuple | None:
        self._require_result()
        with self.connection._lock:
            while not self._buffer and self._pull():
                pass
            return self._buffer.pop(0) if self._buffer else None

    def fetchmany(self, size: int | None = None) -> list[tuple]:
        self._require_result()
        size = self.arraysize if size is None else size
        with self.connection._lock:
            while len(self._buffer) < size and self._pull():
                pass
            rows, self._buffer = self._buffer[:size], self._buffer[size:]
            return rows

    def fetchall(self) -> list[tuple]:
        self._require_result()
        with self.connection._lock:
            self._buffer_rest()
            rows, self._buffer = self._buffer, []
            return rows

    def __iter__(self) -> Iterator[tuple]:
        return self

    def __next__(self) -> tuple:
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row

    def nextset(self):
        raise NotSupportedError("one result set per statement")
