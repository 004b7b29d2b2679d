"""The asyncio client against the real proxy."""

import asyncio
import decimal

import grpc
import pytest

import informix_grpc_proxy as igp
from informix_grpc_proxy import aio


def run(coro):
    return asyncio.run(coro)


def test_query_stream_and_transaction(fixture_info, database, scratch):
    async def main():
        async with aio.connect(fixture_info["plain"], database=database) as client:
            result = await client.query("SELECT customer_id, credit_limit FROM customer WHERE customer_id = ?", [1])
            assert result.rows[0][0] == 1 and isinstance(result.rows[0][1], decimal.Decimal)
            ids = [row[0] async for row in client.stream("SELECT product_id FROM products ORDER BY product_id",
                                                          fetch_size=2)]
            assert ids == sorted(ids) and len(ids) > 2
            async with client.transaction(isolation="read_committed") as tx:
                await tx.query(f"INSERT INTO {scratch} (id) VALUES (?)", [1])
            with pytest.raises(RuntimeError):
                async with client.transaction() as tx:
                    await tx.query(f"INSERT INTO {scratch} (id) VALUES (?)", [2])
                    raise RuntimeError("roll back")
            kept = await client.query(f"SELECT id FROM {scratch} ORDER BY id")
            assert kept.rows == [(1,)]
            assert await client.execute_many(f"INSERT INTO {scratch} (id) VALUES (?)", [[3], [4]]) == 2

    run(main())


def test_errors_and_early_break(fixture_info, database):
    async def main():
        async with aio.connect(fixture_info["plain"], database=database) as client:
            with pytest.raises(igp.ProgrammingError) as caught:
                await client.query("SELECT * FROM no_such_table_here")
            assert caught.value.code == grpc.StatusCode.NOT_FOUND
            for _ in range(12):  # more than the pool holds: each early break must free its connection
                async for _row in client.stream("SELECT * FROM inventory_movements", fetch_size=1):
                    break
            assert await client.ping()

    run(main())
