"""The running proxies: read from IGP_FIXTURE (a JSON file .ci/clients.sh wrote) or started here with
clients/testing/proxy-fixture.ts (the built proxy on SQLite and PostgreSQL, plus a TLS + API key one)."""

import json
import os
import pathlib
import subprocess
import uuid

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def fixture_info():
    path = os.environ.get("IGP_FIXTURE")
    if path:
        yield json.loads(pathlib.Path(path).read_text())
        return
    child = subprocess.Popen(
        [str(ROOT / "node_modules/.bin/node"), "--import", "tsx", "clients/testing/proxy-fixture.ts", "--watch-stdin"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = child.stdout.readline()
    if not line:
        child.wait()
        pytest.fail(f"proxy fixture exited {child.returncode}")
    yield json.loads(line)
    child.terminate()
    child.wait(timeout=60)


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def database(fixture_info, backend):
    return fixture_info["databases"][backend]


@pytest.fixture
def conn(fixture_info, database):
    import informix_grpc_proxy as igp

    connection = igp.connect(fixture_info["plain"], database=database)
    yield connection
    connection.close()


@pytest.fixture
def scratch(conn, backend):
    """A fresh table with one column of each kind; dropped afterwards."""
    name = f"py_{uuid.uuid4().hex[:10]}"
    decimal_type = "DECIMAL_TEXT(32,10)" if backend == "sqlite" else "DECIMAL(32,10)"
    bytes_type = "BLOB" if backend == "sqlite" else "BYTEA"
    cur = conn.cursor()
    cur.execute(f"CREATE TABLE {name} (id BIGINT PRIMARY KEY, amount {decimal_type}, note VARCHAR(100), "
                f"at TIMESTAMP, day DATE, raw {bytes_type}, flag BOOLEAN)")
    conn.commit()
    yield name
    conn.rollback()
    cur = conn.cursor()
    cur.execute(f"DROP TABLE {name}")
    conn.commit()
