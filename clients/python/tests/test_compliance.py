"""PEP 249 (DB-API 2.0) compliance: module interface, exceptions, connection and cursor behaviour, type objects
and constructors, checked against the real proxy (after the checks of Stuart Bishop's dbapi20 suite)."""

import datetime as dt

import pytest

import informix_grpc_proxy as igp


def test_module_globals():
    assert igp.apilevel == "2.0"
    assert igp.threadsafety in (0, 1, 2, 3)
    assert igp.paramstyle == "qmark"


def test_exception_hierarchy():
    assert issubclass(igp.Warning, Exception)
    assert issubclass(igp.Error, Exception)
    assert issubclass(igp.InterfaceError, igp.Error)
    assert issubclass(igp.DatabaseError, igp.Error)
    for name in ("DataError", "OperationalError", "IntegrityError", "InternalError", "ProgrammingError",
                 "NotSupportedError"):
        assert issubclass(getattr(igp, name), igp.DatabaseError), name


def test_exceptions_as_connection_attributes(conn):
    for name in ("Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
                 "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError"):
        assert getattr(conn, name) is getattr(igp, name)


def test_connection_methods(conn):
    for method in ("close", "commit", "rollback", "cursor"):
        assert callable(getattr(conn, method))
    conn.commit()  # nothing to commit is fine
    conn.rollback()


def test_closed_connection_and_cursor_raise(fixture_info, database):
    connection = igp.connect(fixture_info["plain"], database=database)
    cur = connection.cursor()
    cur.close()
    with pytest.raises(igp.Error):
        cur.execute("SELECT 1")
    connection.close()
    connection.close()  # twice is allowed
    with pytest.raises(igp.InterfaceError):
        connection.cursor()


def test_cursor_attributes_and_description(conn):
    cur = conn.cursor()
    assert cur.description is None
    assert cur.rowcount == -1
    assert cur.arraysize == 1
    cur.execute("SELECT customer_id, first_name FROM customer WHERE customer_id = ?", [2])
    assert len(cur.description) == 2
    for column in cur.description:
        assert len(column) == 7
    assert cur.description[1][0] == "first_name"
    assert cur.description[1][1] == igp.STRING
    cur.fetchall()
    assert cur.rowcount == 1


def test_rowcount_of_dml(conn, scratch):
    cur = conn.cursor()
    cur.execute(f"INSERT INTO {scratch} (id) VALUES (?)", [1])
    assert cur.rowcount == 1
    assert cur.description is None
    cur.execute(f"UPDATE {scratch} SET note = ? WHERE id > ?", ["x", 0])
    assert cur.rowcount == 1


def test_fetch_without_a_result_set_is_an_error(conn, scratch):
    cur = conn.cursor()
    with pytest.raises(igp.Error):
        cur.fetchone()
    cur.execute(f"INSERT INTO {scratch} (id) VALUES (?)", [2])
    with pytest.raises(igp.Error):
        cur.fetchall()


def test_fetch_variants(conn, scratch):
    cur = conn.cursor()
    cur.executemany(f"INSERT INTO {scratch} (id, note) VALUES (?, ?)", [(i, f"n{i}") for i in range(1, 8)])
    cur.execute(f"SELECT id FROM {scratch} ORDER BY id")
    assert cur.fetchone() == (1,)
    assert cur.fetchmany(2) == [(2,), (3,)]
    cur.arraysize = 2
    assert cur.fetchmany() == [(4,), (5,)]
    assert cur.fetchall() == [(6,), (7,)]
    assert cur.fetchmany() == []
    assert cur.fetchone() is None
    cur.execute(f"SELECT id FROM {scratch} WHERE id > ?", [100])
    assert cur.fetchall() == []


def test_executemany_with_no_parameter_sets(conn, scratch):
    cur = conn.cursor()
    cur.executemany(f"INSERT INTO {scratch} (id) VALUES (?)", [])
    assert cur.rowcount == 0


def test_iteration(conn):
    cur = conn.cursor()
    cur.execute("SELECT product_id FROM products ORDER BY product_id")
    assert [row[0] for row in cur] == sorted(row[0] for row in conn.cursor().execute("SELECT product_id FROM products").fetchall())


def test_none_is_null(conn, scratch):
    cur = conn.cursor()
    cur.execute(f"INSERT INTO {scratch} (id, note) VALUES (?, ?)", [3, None])
    cur.execute(f"SELECT note FROM {scratch} WHERE id = 3")
    assert cur.fetchone() == (None,)


def test_setinputsizes_and_setoutputsize_are_accepted(conn):
    cur = conn.cursor()
    cur.setinputsizes([10])
    cur.setoutputsize(100)
    cur.setoutputsize(100, 0)


def test_callproc_and_nextset_say_not_supported(conn):
    with pytest.raises(igp.NotSupportedError):
        conn.cursor().callproc("p")
    with pytest.raises(igp.NotSupportedError):
        conn.cursor().nextset()


def test_type_constructors():
    assert igp.Date(2026, 1, 2) == dt.date(2026, 1, 2)
    assert igp.Time(3, 4, 5) == dt.time(3, 4, 5)
    assert igp.Timestamp(2026, 1, 2, 3, 4, 5) == dt.datetime(2026, 1, 2, 3, 4, 5)
    assert isinstance(igp.DateFromTicks(0), dt.date)
    assert isinstance(igp.TimeFromTicks(0), dt.time)
    assert isinstance(igp.TimestampFromTicks(0), dt.datetime)
    assert igp.Binary(b"\x00\x01") == b"\x00\x01"
    for type_object in (igp.STRING, igp.BINARY, igp.NUMBER, igp.DATETIME, igp.ROWID):
        assert type_object is not None


def test_binary_round_trip(conn, scratch):
    cur = conn.cursor()
    cur.execute(f"INSERT INTO {scratch} (id, raw) VALUES (?, ?)", [4, igp.Binary(b"\x00\xff\x00")])
    cur.execute(f"SELECT raw FROM {scratch} WHERE id = 4")
    assert cur.description[0][1] == igp.BINARY
    assert cur.fetchone() == (b"\x00\xff\x00",)
