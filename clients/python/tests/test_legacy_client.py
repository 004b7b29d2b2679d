"""An UNCHANGED client of the earlier Java proxy: stubs generated with grpcio-tools from that proxy's own
informix.proto (the reference copy, app/test/compat/legacy/informix.proto), calling the compatibility service
the way the old Python client did."""

import importlib
import pathlib
import sys

import grpc
import pytest
from grpc_tools import protoc

LEGACY_PROTO = pathlib.Path(__file__).resolve().parents[3] / "app/test/compat/legacy/informix.proto"


@pytest.fixture(scope="module")
def legacy(tmp_path_factory):
    out = tmp_path_factory.mktemp("legacy_stubs")
    include = pathlib.Path(protoc.__file__).parent / "_proto"
    assert protoc.main(["protoc", f"-I{LEGACY_PROTO.parent}", f"-I{include}", f"--python_out={out}",
                        f"--grpc_python_out={out}", str(LEGACY_PROTO)]) == 0
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("informix_pb2"), importlib.import_module("informix_pb2_grpc")
    finally:
        sys.path.remove(str(out))


def test_old_python_client_runs_unchanged(fixture_info, legacy):
    pb2, pb2_grpc = legacy
    channel = grpc.insecure_channel(fixture_info["plain"])
    stub = pb2_grpc.InformixServiceStub(channel)
    conn = stub.Connect(pb2.ConnectionRequest(host="localhost", port=9088, database="demo", username="informix",
                                              password="in4mix", pool_size=5))
    assert conn.success, conn.error
    cid = conn.connection_id

    ping = stub.Ping(pb2.PingRequest(connection_id=cid))
    assert ping.alive

    chunks = list(stub.ExecuteQuery(pb2.QueryRequest(connection_id=cid, sql="SELECT * FROM customer WHERE customer_id <= ?",
                                                     parameters=[pb2.Parameter(int_value=5)], fetch_size=2)))
    assert [len(c.rows) for c in chunks] == [2, 2, 1]
    assert chunks[0].columns and not chunks[1].columns
    assert chunks[-1].has_more is False and chunks[-1].total_rows == 5

    tx = stub.BeginTransaction(pb2.TransactionRequest(connection_id=cid, isolation_level="READ_COMMITTED"))
    assert tx.success, tx.error
    update = stub.ExecuteUpdate(pb2.UpdateRequest(connection_id=cid, sql="UPDATE customer SET city = ? WHERE customer_id = ?",
                                                  parameters=[pb2.Parameter(string_value="Oldtown"), pb2.Parameter(int_value=3)]))
    assert update.rows_affected == 1 and update.error == ""
    assert stub.Rollback(pb2.RollbackRequest(connection_id=cid)).success

    prep = stub.PrepareStatement(pb2.PrepareRequest(connection_id=cid, sql="SELECT name FROM products WHERE product_id = ?"))
    assert prep.parameter_count == 1
    rows = list(stub.ExecutePrepared(pb2.ExecutePreparedRequest(connection_id=cid, statement_id=prep.statement_id,
                                                                parameters=[pb2.Parameter(long_value=1)])))
    assert rows[0].rows[0].values[0].WhichOneof("data") == "string_data"
    assert stub.ClosePrepared(pb2.ClosePreparedRequest(connection_id=cid, statement_id=prep.statement_id)).success

    meta = stub.GetMetadata(pb2.MetadataRequest(connection_id=cid, table_name="customer"))
    assert any(t.name == "customer" and t.columns for t in meta.tables)

    failed = stub.ExecuteUpdate(pb2.UpdateRequest(connection_id=cid, sql="DELETE FROM no_such_table"))
    assert failed.error != ""  # the legacy way: OK with the error text

    assert stub.Disconnect(pb2.DisconnectRequest(connection_id=cid)).success
    assert stub.Ping(pb2.PingRequest(connection_id=cid)).alive is False
    channel.close()
