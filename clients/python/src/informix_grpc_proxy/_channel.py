"""Channel credentials (plaintext, TLS with an own CA, mTLS) and the bearer credential (API key or JWT)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass


def _pem(value: str | bytes | None) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if "-----BEGIN" in value:
        return value.encode()
    with open(value, "rb") as handle:
        return handle.read()


@dataclass(frozen=True)
class Settings:
    address: str
    database: str = ""
    tls: bool = False
    ca: bytes | None = None
    cert: bytes | None = None
    key: bytes | None = None
    server_name: str | None = None
    bearer: Callable[[], str | None] = lambda: None
    timeout: float | None = 30.0

    def channel_options(self) -> list[tuple[str, object]]:
        return [("grpc.ssl_target_name_override", self.server_name)] if self.server_name else []

    def metadata(self) -> tuple[tuple[str, str], ...]:
        token = self.bearer()
        return (("authorization", f"Bearer {token}"),) if token else ()


def settings(address: str | None, database: str, tls: bool | None, ca, cert, key, server_name, api_key, token,
             timeout) -> Settings:
    """Arguments, then environment variables (IGP_ADDRESS, IGP_API_KEY, IGP_TOKEN, IGP_CA), then defaults."""
    if api_key is not None and token is not None:
        raise ValueError("set api_key or token, not both")
    api_key = api_key if api_key is not None else (os.environ.get("IGP_API_KEY") if token is None else None)
    if token is None and api_key is None:
        token = os.environ.get("IGP_TOKEN")
    ca = ca if ca is not None else os.environ.get("IGP_CA")
    fixed = api_key if api_key is not None else (token if isinstance(token, str) else None)
    bearer = token if callable(token) else (lambda: fixed)
    return Settings(
        address=address or os.environ.get("IGP_ADDRESS") or "127.0.0.1:50051",
        database=database,
        tls=bool(tls) or ca is not None or cert is not None,
        ca=_pem(ca),
        cert=_pem(cert),
        key=_pem(key),
        server_name=server_name,
        bearer=bearer,
        timeout=timeout,
    )
