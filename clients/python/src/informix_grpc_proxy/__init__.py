"""informix-grpc-proxy for Python: a PEP 249 (DB-API 2.0) module, plus an asyncio client in ``.aio``.

    import informix_grpc_proxy as igp
    conn = igp.connect("proxy.internal:50051", database="stores", ca="/etc/igp/ca.pem", api_key="igp_...")
    cur = conn.cursor()
    cur.execute("SELECT customer_id, credit_limit FROM customer WHERE city = ?", ("Berlin",))
    for customer_id, credit_limit in cur:   # int, decimal.Decimal
        ...
    conn.commit()
"""

from __future__ import annotations

from ._dbapi import (
    BINARY,
    DATETIME,
    NUMBER,
    ROWID,
    STRING,
    Binary,
    Connection,
    Cursor,
    Date,
    DateFromTicks,
    Time,
    TimeFromTicks,
    Timestamp,
    TimestampFromTicks,
    connect,
)
from .exceptions import (
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    Warning,
)

__version__ = "0.1.0"

apilevel = "2.0"
# Threads may share the module and connections (a connection serializes its calls); cursors are per thread.
threadsafety = 2
paramstyle = "qmark"

__all__ = [
    "BINARY", "DATETIME", "NUMBER", "ROWID", "STRING", "Binary", "Connection", "Cursor", "DataError",
    "DatabaseError", "Date", "DateFromTicks", "Error", "IntegrityError", "InterfaceError", "InternalError",
    "NotSupportedError", "OperationalError", "ProgrammingError", "Time", "TimeFromTicks", "Timestamp",
    "TimestampFromTicks", "Warning", "apilevel", "connect", "paramstyle", "threadsafety",
]
