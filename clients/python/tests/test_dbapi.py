"""The DB-API module against the real proxy, on SQLite (embedded default) and PostgreSQL."""

import datetime as dt
import decimal

import grpc
import pytest

import informix_grpc_proxy as igp


def test_typed_values_from_the_demo(conn):
    cur = conn.cursor()
    cur.execute("SELECT customer_id, credit_limit, active, created_at FROM customer WHERE customer_id = ?", (1,))
    assert [d[0] for d in cur.description] == ["customer_id", "credit_limit", "active", "created_at"]
    assert cur.description[0][1] == igp.NUMBER
    assert cur.description[3][1] == igp.DATETIME
    customer_id, credit_limit, active, created_at = cur.fetchone()
    assert customer_id == 1
    assert isinstance(credit_limit, decimal.Decimal)
    assert isinstance(active, bool)
    assert isinstance(created_at, dt.datetime)
    assert cur.fetchone() is None


def test_lossless_round_trip(conn, scratch):
    cur = conn.cursor()
    big = 2**63 - 1
    amount = decimal.Decimal("1234567890123456789012.0123456789")
    raw = bytes(range(256))
    at = dt.datetime(2026, 3, 4, 5, 6, 7, 891234)
    cur.execute(f"INSERT INTO {scratch} (id, amount, note, at, day, raw, flag) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (big, amount, None, at, dt.date(2026, 2, 28), raw, True))
    assert cur.rowcount == 1
    cur.execute(f"INSERT INTO {scratch} (id, note) VALUES (?, ?)", (2, ""))
    conn.commit()
    cur.execute(f"SELECT id, amount, note, at, day, raw, flag FROM {scratch} ORDER BY id")
    rows = cur.fetchall()
    assert rows[0][0] == 2 and rows[0][2] == ""  # an empty string is not NULL
    assert rows[1] == (big, amount, None, at, dt.date(2026, 2, 28), raw, True)


def test_fetchmany_reads_the_stream_in_pieces(conn):
    cur = conn.connection.cursor() if hasattr(conn, "connection") else conn.cursor()
    cur.arraysize = 3
    cur.execute("SELECT product_id FROM products ORDER BY product_id")
    first = cur.fetchmany()
    assert len(first) == 3
    rest = cur.fetchall()
    assert [r[0] for r in first + rest] == sorted(r[0] for r in first + rest)
    assert cur.rowcount == len(first) + len(rest)


def test_a_second_cursor_does_not_lose_the_first_ones_rows(conn):
    a = conn.cursor()
    a.execute("SELECT product_id FROM products ORDER BY product_id")
    head = a.fetchone()
    b = conn.cursor()
    b.execute("SELECT count(*) FROM products")
    (count,) = b.fetchone()
    assert 1 + len(a.fetchall()) == count
    assert head is not None


def test_transactions_commit_and_rollback(conn, scratch, fixture_info, database):
    cur = conn.cursor()
    cur.execute(f"INSERT INTO {scratch} (id, note) VALUES (?, ?)", (10, "rolled back"))
    conn.rollback()
    cur.execute(f"INSERT INTO {scratch} (id, note) VALUES (?, ?)", (11, "committed"))
    conn.commit()
    with igp.connect(fixture_info["plain"], database=database) as other:
        c = other.cursor()
        c.execute(f"SELECT id FROM {scratch} ORDER BY id")
        assert c.fetchall() == [(11,)]


def test_autocommit_connections_keep_each_statement(fixture_info, database, scratch, conn):
    with igp.connect(fixture_info["plain"], database=database, autocommit=True) as auto:
        auto.cursor().execute(f"INSERT INTO {scratch} (id) VALUES (?)", (20,))
    cur = conn.cursor()
    cur.execute(f"SELECT count(*) FROM {scratch} WHERE id = 20")
    assert cur.fetchone() == (1,)


def test_executemany_and_integrity_errors(conn, scratch, backend):
    cur = conn.cursor()
    cur.executemany(f"INSERT INTO {scratch} (id, note) VALUES (?, ?)", [(30, "a"), (31, "b"), (32, "c")])
    assert cur.rowcount == 3
    with pytest.raises(igp.IntegrityError) as caught:
        cur.executemany(f"INSERT INTO {scratch} (id, note) VALUES (?, ?)", [(33, "d"), (30, "dup")])
    assert caught.value.code == grpc.StatusCode.ALREADY_EXISTS
    assert caught.value.reason == "UNIQUE_VIOLATION"
    if backend == "postgres":
        assert caught.value.sqlstate == "23505"


def test_errors_map_to_the_pep249_hierarchy(conn):
    cur = conn.cursor()
    with pytest.raises(igp.ProgrammingError) as missing:
        cur.execute("SELECT * FROM no_such_table_here")
    assert missing.value.code == grpc.StatusCode.NOT_FOUND
    assert missing.value.reason == "OBJECT_NOT_FOUND"
    conn.rollback()
    with pytest.raises(igp.ProgrammingError) as bad_count:
        cur.execute("SELECT ? + ?", (1,))
    assert bad_count.value.field_violations[0][0] == "params"
    assert issubclass(igp.IntegrityError, igp.DatabaseError) and issubclass(igp.DatabaseError, igp.Error)


def test_tls_and_api_key(fixture_info):
    with igp.connect(fixture_info["secure"], ca=fixture_info["caFile"], api_key=fixture_info["apiKey"]) as secure:
        cur = secure.cursor()
        cur.execute("SELECT count(*) FROM customer")
        assert cur.fetchone()[0] > 0


def test_api_key_from_the_environment(fixture_info, monkeypatch):
    monkeypatch.setenv("IGP_API_KEY", fixture_info["apiKey"])
    monkeypatch.setenv("IGP_CA", fixture_info["caFile"])
    with igp.connect(fixture_info["secure"]) as secure:
        assert secure.server_version


def test_missing_credentials_are_an_operational_error(fixture_info):
    with pytest.raises(igp.OperationalError) as caught:
        igp.connect(fixture_info["secure"], ca=fixture_info["caFile"])
    assert caught.value.code == grpc.StatusCode.UNAUTHENTICATED
