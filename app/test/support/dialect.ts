// The statement as the proxy parses it for a driver (fingerprint ids, classes), for tests that compare.
import type { ParsedStatement } from "../../src/core/parsed-statement.js";
import { dialectFor } from "../../src/sql/dialects.js";
import { loadPostgresParser } from "../../src/sql/postgres/parser.js";
import type { TestDriver } from "./test-proxy.js";

export async function parsedBy(driver: TestDriver, sql: string): Promise<ParsedStatement> {
  await loadPostgresParser();
  return dialectFor(driver).parse(sql);
}
