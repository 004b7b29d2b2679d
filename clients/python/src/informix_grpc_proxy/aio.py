"""An asyncio client (grpc.aio) with the same values and exceptions as the DB-API module.

    from informix_grpc_proxy import aio
    async with aio.connect("127.0.0.1:50051") as client:
        result = await client.query("SELECT * FROM customer WHERE customer_id = ?", [1])
        async for row in client.stream("SELECT * FROM orders", fetch_size=500):
            ...
        async with client.transaction(isolation="serializable") as tx:
            await tx.query("UPDATE customer SET city = ? WHERE customer_id = ?", ["Bonn", 1])
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import grpc

from . import _values
from ._channel import Settings, settings
from ._dbapi import _ISOLATION
from .exceptions import Error, ProgrammingError, from_rpc_error, from_status
from .gen.informix.proxy.v1 import sql_service_pb2 as pb
from .gen.informix.proxy.v1 import sql_service_pb2_grpc as pb_grpc


@dataclass
class Column:
    name: str
    type: int
    native_type: str
    nullable: bool
    precision: int
    scale: int


@dataclass
class Result:
    columns: list[Column]
    rows: list[tuple]
    rows_affected: int
    truncated: bool


def _columns(columns) -> list[Column]:
    return [Column(c.name, c.type, c.native_type, c.nullable, c.precision, c.scale) for c in columns]


def _row(row) -> tuple:
    return tuple(_values.from_value(v) for v in row.values)


def connect(address: str | None = None, database: str = "", *, tls: bool | None = None, ca=None, cert=None,
            key=None, server_name: str | None = None, api_key: str | None = None, token=None,
            timeout: float | None = 30.0) -> AsyncClient:
    """An AsyncClient; use it as `async with` (or call `await client.close()`)."""
    return AsyncClient(settings(address, database, tls, ca, cert, key, server_name, api_key, token, timeout))


class _Runner:
    """query / stream / execute_many, auto-commit (the client) or in a session (a transaction)."""

    def __init__(self, client: AsyncClient, session_id: str = "") -> None:
        self._client = client
        self._session_id = session_id

    def _database(self) -> str:
        return "" if self._session_id else self._client._config.database

    async def query(self, sql: str, params: Sequence = (), *, max_rows: int = 0) -> Result:
        request = pb.ExecuteRequest(database=self._database(), session_id=self._session_id, sql=sql,
                                    params=[_values.to_value(p) for p in params], max_rows=max_rows)
        response = await self._client._call(self._client._stub.Execute, request)
        return Result(_columns(response.columns), [_row(r) for r in response.rows], response.rows_affected,
                      response.truncated)

    async def stream(self, sql: str, params: Sequence = (), *, fetch_size: int = 0) -> AsyncIterator[tuple]:
        request = pb.ExecuteStreamRequest(database=self._database(), session_id=self._session_id, sql=sql,
                                          params=[_values.to_value(p) for p in params], fetch_size=fetch_size)
        call = self._client._stub.ExecuteStream(request, timeout=self._client._config.timeout,
                                                metadata=self._client._config.metadata())
        try:
            async for message in call:
                if message.WhichOneof("payload") == "batch":
                    for row in message.batch.rows:
                        yield _row(row)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None
        finally:
            call.cancel()  # a consumer that stopped early frees the server's cursor (no-op once done)

    async def execute_many(self, sql: str, parameter_sets: Sequence[Sequence], *, atomic: bool = False) -> int:
        request = pb.ExecuteBatchRequest(
            database=self._database(), session_id=self._session_id, sql=sql, atomic=atomic,
            parameter_sets=[pb.ParameterSet(params=[_values.to_value(p) for p in s]) for s in parameter_sets])
        response = await self._client._call(self._client._stub.ExecuteBatch, request)
        failed = next((r for r in response.results if r.HasField("error")), None)
        if failed is not None:
            raise from_status(failed.error)
        return response.total_rows_affected


class AsyncClient(_Runner):
    def __init__(self, config: Settings) -> None:
        self._config = config
        if config.tls:
            creds = grpc.ssl_channel_credentials(config.ca, config.key, config.cert)
            self._channel = grpc.aio.secure_channel(config.address, creds, options=config.channel_options())
        else:
            self._channel = grpc.aio.insecure_channel(config.address, options=config.channel_options())
        self._stub = pb_grpc.SqlServiceStub(self._channel)
        super().__init__(self)

    async def _call(self, method, request):
        try:
            return await method(request, timeout=self._config.timeout, metadata=self._config.metadata())
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None

    async def ping(self) -> str:
        return (await self._call(self._stub.Ping, pb.PingRequest(database=self._config.database))).server_version

    def transaction(self, *, isolation: str | None = None, read_only: bool = False) -> Transaction:
        if isolation not in _ISOLATION:
            raise ProgrammingError(f"unknown isolation level {isolation!r}")
        return Transaction(self, _ISOLATION[isolation], read_only)

    async def close(self) -> None:
        await self._channel.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()


class Transaction(_Runner):
    """`async with client.transaction() as tx`: a session with one transaction, committed on success."""

    def __init__(self, client: AsyncClient, isolation: int, read_only: bool) -> None:
        super().__init__(client)
        self._isolation = isolation
        self._read_only = read_only

    async def __aenter__(self) -> Transaction:
        client = self._client
        opened = await client._call(client._stub.OpenSession, pb.OpenSessionRequest(database=client._config.database))
        self._session_id = opened.session_id
        try:
            await client._call(client._stub.BeginTransaction, pb.BeginTransactionRequest(
                session_id=self._session_id, isolation=self._isolation, read_only=self._read_only))
        except Error:
            await self._close()
            raise
        return self

    async def _close(self) -> None:
        try:
            await self._client._call(self._client._stub.CloseSession, pb.CloseSessionRequest(session_id=self._session_id))
        except Error:
            pass

    async def __aexit__(self, exc_type, exc, tb) -> None:
        client = self._client
        try:
            if exc_type is None:
                await client._call(client._stub.Commit, pb.CommitRequest(session_id=self._session_id))
            else:
                await client._call(client._stub.Rollback, pb.RollbackRequest(session_id=self._session_id))
        finally:
            await self._close()
