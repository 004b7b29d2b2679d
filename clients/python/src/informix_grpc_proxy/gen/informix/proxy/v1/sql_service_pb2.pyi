from google.rpc import status_pb2 as _status_pb2
from informix_grpc_proxy.gen.informix.proxy.v1 import values_pb2 as _values_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class IsolationLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ISOLATION_LEVEL_UNSPECIFIED: _ClassVar[IsolationLevel]
    ISOLATION_LEVEL_READ_UNCOMMITTED: _ClassVar[IsolationLevel]
    ISOLATION_LEVEL_READ_COMMITTED: _ClassVar[IsolationLevel]
    ISOLATION_LEVEL_REPEATABLE_READ: _ClassVar[IsolationLevel]
    ISOLATION_LEVEL_SERIALIZABLE: _ClassVar[IsolationLevel]

class TableKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TABLE_KIND_UNSPECIFIED: _ClassVar[TableKind]
    TABLE_KIND_TABLE: _ClassVar[TableKind]
    TABLE_KIND_VIEW: _ClassVar[TableKind]
ISOLATION_LEVEL_UNSPECIFIED: IsolationLevel
ISOLATION_LEVEL_READ_UNCOMMITTED: IsolationLevel
ISOLATION_LEVEL_READ_COMMITTED: IsolationLevel
ISOLATION_LEVEL_REPEATABLE_READ: IsolationLevel
ISOLATION_LEVEL_SERIALIZABLE: IsolationLevel
TABLE_KIND_UNSPECIFIED: TableKind
TABLE_KIND_TABLE: TableKind
TABLE_KIND_VIEW: TableKind

class OpenSessionRequest(_message.Message):
    __slots__ = ("database",)
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    database: str
    def __init__(self, database: _Optional[str] = ...) -> None: ...

class OpenSessionResponse(_message.Message):
    __slots__ = ("session_id", "database", "server_version", "idle_timeout_seconds")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    SERVER_VERSION_FIELD_NUMBER: _ClassVar[int]
    IDLE_TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    database: str
    server_version: str
    idle_timeout_seconds: int
    def __init__(self, session_id: _Optional[str] = ..., database: _Optional[str] = ..., server_version: _Optional[str] = ..., idle_timeout_seconds: _Optional[int] = ...) -> None: ...

class CloseSessionRequest(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class CloseSessionResponse(_message.Message):
    __slots__ = ("rolled_back",)
    ROLLED_BACK_FIELD_NUMBER: _ClassVar[int]
    rolled_back: bool
    def __init__(self, rolled_back: _Optional[bool] = ...) -> None: ...

class ExecuteRequest(_message.Message):
    __slots__ = ("database", "session_id", "sql", "statement_id", "params", "max_rows", "timeout_ms")
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SQL_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    MAX_ROWS_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    database: str
    session_id: str
    sql: str
    statement_id: str
    params: _containers.RepeatedCompositeFieldContainer[_values_pb2.Value]
    max_rows: int
    timeout_ms: int
    def __init__(self, database: _Optional[str] = ..., session_id: _Optional[str] = ..., sql: _Optional[str] = ..., statement_id: _Optional[str] = ..., params: _Optional[_Iterable[_Union[_values_pb2.Value, _Mapping]]] = ..., max_rows: _Optional[int] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class ExecuteResponse(_message.Message):
    __slots__ = ("columns", "rows", "rows_affected", "truncated", "elapsed_micros")
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    ROWS_AFFECTED_FIELD_NUMBER: _ClassVar[int]
    TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    ELAPSED_MICROS_FIELD_NUMBER: _ClassVar[int]
    columns: _containers.RepeatedCompositeFieldContainer[_values_pb2.Column]
    rows: _containers.RepeatedCompositeFieldContainer[_values_pb2.Row]
    rows_affected: int
    truncated: bool
    elapsed_micros: int
    def __init__(self, columns: _Optional[_Iterable[_Union[_values_pb2.Column, _Mapping]]] = ..., rows: _Optional[_Iterable[_Union[_values_pb2.Row, _Mapping]]] = ..., rows_affected: _Optional[int] = ..., truncated: _Optional[bool] = ..., elapsed_micros: _Optional[int] = ...) -> None: ...

class ExecuteStreamRequest(_message.Message):
    __slots__ = ("database", "session_id", "sql", "statement_id", "params", "fetch_size", "timeout_ms")
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SQL_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    FETCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    database: str
    session_id: str
    sql: str
    statement_id: str
    params: _containers.RepeatedCompositeFieldContainer[_values_pb2.Value]
    fetch_size: int
    timeout_ms: int
    def __init__(self, database: _Optional[str] = ..., session_id: _Optional[str] = ..., sql: _Optional[str] = ..., statement_id: _Optional[str] = ..., params: _Optional[_Iterable[_Union[_values_pb2.Value, _Mapping]]] = ..., fetch_size: _Optional[int] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class ResultHeader(_message.Message):
    __slots__ = ("columns",)
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    columns: _containers.RepeatedCompositeFieldContainer[_values_pb2.Column]
    def __init__(self, columns: _Optional[_Iterable[_Union[_values_pb2.Column, _Mapping]]] = ...) -> None: ...

class RowBatch(_message.Message):
    __slots__ = ("rows",)
    ROWS_FIELD_NUMBER: _ClassVar[int]
    rows: _containers.RepeatedCompositeFieldContainer[_values_pb2.Row]
    def __init__(self, rows: _Optional[_Iterable[_Union[_values_pb2.Row, _Mapping]]] = ...) -> None: ...

class ResultSummary(_message.Message):
    __slots__ = ("row_count", "rows_affected", "elapsed_micros")
    ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    ROWS_AFFECTED_FIELD_NUMBER: _ClassVar[int]
    ELAPSED_MICROS_FIELD_NUMBER: _ClassVar[int]
    row_count: int
    rows_affected: int
    elapsed_micros: int
    def __init__(self, row_count: _Optional[int] = ..., rows_affected: _Optional[int] = ..., elapsed_micros: _Optional[int] = ...) -> None: ...

class ExecuteStreamResponse(_message.Message):
    __slots__ = ("header", "batch", "summary")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    header: ResultHeader
    batch: RowBatch
    summary: ResultSummary
    def __init__(self, header: _Optional[_Union[ResultHeader, _Mapping]] = ..., batch: _Optional[_Union[RowBatch, _Mapping]] = ..., summary: _Optional[_Union[ResultSummary, _Mapping]] = ...) -> None: ...

class BatchStatement(_message.Message):
    __slots__ = ("sql", "params")
    SQL_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    sql: str
    params: _containers.RepeatedCompositeFieldContainer[_values_pb2.Value]
    def __init__(self, sql: _Optional[str] = ..., params: _Optional[_Iterable[_Union[_values_pb2.Value, _Mapping]]] = ...) -> None: ...

class ParameterSet(_message.Message):
    __slots__ = ("params",)
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    params: _containers.RepeatedCompositeFieldContainer[_values_pb2.Value]
    def __init__(self, params: _Optional[_Iterable[_Union[_values_pb2.Value, _Mapping]]] = ...) -> None: ...

class ExecuteBatchRequest(_message.Message):
    __slots__ = ("database", "session_id", "statements", "sql", "parameter_sets", "atomic", "timeout_ms")
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    STATEMENTS_FIELD_NUMBER: _ClassVar[int]
    SQL_FIELD_NUMBER: _ClassVar[int]
    PARAMETER_SETS_FIELD_NUMBER: _ClassVar[int]
    ATOMIC_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    database: str
    session_id: str
    statements: _containers.RepeatedCompositeFieldContainer[BatchStatement]
    sql: str
    parameter_sets: _containers.RepeatedCompositeFieldContainer[ParameterSet]
    atomic: bool
    timeout_ms: int
    def __init__(self, database: _Optional[str] = ..., session_id: _Optional[str] = ..., statements: _Optional[_Iterable[_Union[BatchStatement, _Mapping]]] = ..., sql: _Optional[str] = ..., parameter_sets: _Optional[_Iterable[_Union[ParameterSet, _Mapping]]] = ..., atomic: _Optional[bool] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class BatchResult(_message.Message):
    __slots__ = ("rows_affected", "error")
    ROWS_AFFECTED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    rows_affected: int
    error: _status_pb2.Status
    def __init__(self, rows_affected: _Optional[int] = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ...) -> None: ...

class ExecuteBatchResponse(_message.Message):
    __slots__ = ("results", "total_rows_affected", "failed_count")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_ROWS_AFFECTED_FIELD_NUMBER: _ClassVar[int]
    FAILED_COUNT_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[BatchResult]
    total_rows_affected: int
    failed_count: int
    def __init__(self, results: _Optional[_Iterable[_Union[BatchResult, _Mapping]]] = ..., total_rows_affected: _Optional[int] = ..., failed_count: _Optional[int] = ...) -> None: ...

class PrepareRequest(_message.Message):
    __slots__ = ("session_id", "sql")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SQL_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    sql: str
    def __init__(self, session_id: _Optional[str] = ..., sql: _Optional[str] = ...) -> None: ...

class PrepareResponse(_message.Message):
    __slots__ = ("statement_id", "parameter_count")
    STATEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    PARAMETER_COUNT_FIELD_NUMBER: _ClassVar[int]
    statement_id: str
    parameter_count: int
    def __init__(self, statement_id: _Optional[str] = ..., parameter_count: _Optional[int] = ...) -> None: ...

class ClosePreparedRequest(_message.Message):
    __slots__ = ("session_id", "statement_id")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    statement_id: str
    def __init__(self, session_id: _Optional[str] = ..., statement_id: _Optional[str] = ...) -> None: ...

class ClosePreparedResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class BeginTransactionRequest(_message.Message):
    __slots__ = ("session_id", "isolation", "read_only")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ISOLATION_FIELD_NUMBER: _ClassVar[int]
    READ_ONLY_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    isolation: IsolationLevel
    read_only: bool
    def __init__(self, session_id: _Optional[str] = ..., isolation: _Optional[_Union[IsolationLevel, str]] = ..., read_only: _Optional[bool] = ...) -> None: ...

class BeginTransactionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CommitRequest(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class CommitResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RollbackRequest(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class RollbackResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListTablesRequest(_message.Message):
    __slots__ = ("database", "schema", "name_pattern", "include_views")
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    NAME_PATTERN_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_VIEWS_FIELD_NUMBER: _ClassVar[int]
    database: str
    schema: str
    name_pattern: str
    include_views: bool
    def __init__(self, database: _Optional[str] = ..., schema: _Optional[str] = ..., name_pattern: _Optional[str] = ..., include_views: _Optional[bool] = ...) -> None: ...

class TableInfo(_message.Message):
    __slots__ = ("schema", "name", "kind")
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    schema: str
    name: str
    kind: TableKind
    def __init__(self, schema: _Optional[str] = ..., name: _Optional[str] = ..., kind: _Optional[_Union[TableKind, str]] = ...) -> None: ...

class ListTablesResponse(_message.Message):
    __slots__ = ("tables",)
    TABLES_FIELD_NUMBER: _ClassVar[int]
    tables: _containers.RepeatedCompositeFieldContainer[TableInfo]
    def __init__(self, tables: _Optional[_Iterable[_Union[TableInfo, _Mapping]]] = ...) -> None: ...

class DescribeTableRequest(_message.Message):
    __slots__ = ("database", "schema", "table")
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    database: str
    schema: str
    table: str
    def __init__(self, database: _Optional[str] = ..., schema: _Optional[str] = ..., table: _Optional[str] = ...) -> None: ...

class IndexInfo(_message.Message):
    __slots__ = ("name", "columns", "unique")
    NAME_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    UNIQUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    columns: _containers.RepeatedScalarFieldContainer[str]
    unique: bool
    def __init__(self, name: _Optional[str] = ..., columns: _Optional[_Iterable[str]] = ..., unique: _Optional[bool] = ...) -> None: ...

class DescribeTableResponse(_message.Message):
    __slots__ = ("table", "columns", "primary_key", "indexes")
    TABLE_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    PRIMARY_KEY_FIELD_NUMBER: _ClassVar[int]
    INDEXES_FIELD_NUMBER: _ClassVar[int]
    table: TableInfo
    columns: _containers.RepeatedCompositeFieldContainer[_values_pb2.Column]
    primary_key: _containers.RepeatedScalarFieldContainer[str]
    indexes: _containers.RepeatedCompositeFieldContainer[IndexInfo]
    def __init__(self, table: _Optional[_Union[TableInfo, _Mapping]] = ..., columns: _Optional[_Iterable[_Union[_values_pb2.Column, _Mapping]]] = ..., primary_key: _Optional[_Iterable[str]] = ..., indexes: _Optional[_Iterable[_Union[IndexInfo, _Mapping]]] = ...) -> None: ...

class PingRequest(_message.Message):
    __slots__ = ("database",)
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    database: str
    def __init__(self, database: _Optional[str] = ...) -> None: ...

class PingResponse(_message.Message):
    __slots__ = ("latency_micros", "server_version", "database")
    LATENCY_MICROS_FIELD_NUMBER: _ClassVar[int]
    SERVER_VERSION_FIELD_NUMBER: _ClassVar[int]
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    latency_micros: int
    server_version: str
    database: str
    def __init__(self, latency_micros: _Optional[int] = ..., server_version: _Optional[str] = ..., database: _Optional[str] = ...) -> None: ...
