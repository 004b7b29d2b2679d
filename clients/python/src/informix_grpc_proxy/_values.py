"""Python values <-> the proxy's lossless typed Value.

Parameters: None, bool, int (INT64), float (DOUBLE), decimal.Decimal (exact DECIMAL), str, bytes/bytearray/
memoryview, datetime.date (DATE), datetime.datetime (TIMESTAMP, microseconds kept; an aware datetime keeps its
offset), datetime.time (text). Results: INT64 as int, DECIMAL as Decimal, DATE as date, TIMESTAMP as datetime
(fractions past microseconds are cut; the exact text is in the v1 API), INTERVAL as str, bytes as bytes.
"""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import re

from .gen.informix.proxy.v1 import values_pb2 as pb

_FRACTION = re.compile(r"^(.*?\d{2}:\d{2}:\d{2})\.(\d+)(.*)$")


def to_value(param: object) -> pb.Value:
    if param is None:
        return pb.Value(null=pb.SqlNull())
    if isinstance(param, bool):
        return pb.Value(bool_value=param)
    if isinstance(param, int):
        if not -(2**63) <= param < 2**63:
            raise OverflowError(f"integer {param} does not fit a signed 64-bit INT64")
        return pb.Value(int64_value=param)
    if isinstance(param, float):
        return pb.Value(double_value=param)
    if isinstance(param, _decimal.Decimal):
        if not param.is_finite():
            raise ValueError("DECIMAL parameters must be finite")
        return pb.Value(decimal_value=format(param, "f"))
    if isinstance(param, str):
        return pb.Value(string_value=param)
    if isinstance(param, (bytes, bytearray, memoryview)):
        return pb.Value(bytes_value=bytes(param))
    if isinstance(param, _dt.datetime):
        return pb.Value(timestamp_value=param.isoformat())
    if isinstance(param, _dt.date):
        return pb.Value(date_value=param.isoformat())
    if isinstance(param, _dt.time):
        return pb.Value(string_value=param.isoformat())
    raise TypeError(f"unsupported parameter type {type(param).__name__}")


def parse_timestamp(text: str) -> _dt.datetime:
    match = _FRACTION.match(text)
    if match:  # Python keeps six fraction digits; Informix and PostgreSQL send at most that many anyway.
        head, fraction, tail = match.groups()
        text = f"{head}.{(fraction + '000000')[:6]}{tail}"
    return _dt.datetime.fromisoformat(text.replace(" ", "T", 1))


def from_value(value: pb.Value) -> object:
    kind = value.WhichOneof("kind")
    if kind is None or kind == "null":
        return None
    raw = getattr(value, kind)
    if kind == "decimal_value":
        return _decimal.Decimal(raw)
    if kind == "date_value":
        return _dt.date.fromisoformat(raw)
    if kind == "timestamp_value":
        return parse_timestamp(raw)
    return raw
