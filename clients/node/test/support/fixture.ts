// What the tests need from the running proxies, and a client per backend.
import { inject } from "vitest";
import { type ClientOptions, ProxyClient } from "../../src/index.js";

export type Backend = "sqlite" | "postgres";
export const BACKENDS: Backend[] = ["sqlite", "postgres"];

export function fixture() {
  return inject("fixture");
}

export function clientFor(backend: Backend, options: Partial<ClientOptions> = {}): ProxyClient {
  const info = fixture();
  return new ProxyClient({ address: info.plain, database: info.databases[backend], ...options });
}

/** A table name no other test (or run) uses. */
export function scratchName(prefix: string): string {
  return `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
}

export const BYTES_TYPE: Record<Backend, string> = { sqlite: "BLOB", postgres: "BYTEA" };
// SQLite keeps exact decimals only in a column with TEXT affinity (the demo schema's DECIMAL_TEXT).
export const DECIMAL_TYPE: Record<Backend, string> = { sqlite: "DECIMAL_TEXT(32,10)", postgres: "DECIMAL(32,10)" };
