// The pinned adapter over pg's undocumented fields (src/db/drivers/postgres/pg-internals.ts), against the run's
// real PostgreSQL: the installed pg is the version the fields were checked on, the backend key cancels a running
// statement, a named statement is parsed at its first execution and forgotten after DEALLOCATE, and the socket is
// corked for exactly the current tick. An upgrade of pg fails here first.
import { createRequire } from "node:module";
import pg from "pg";
import Cursor from "pg-cursor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendCancelRequest } from "../../../../src/db/drivers/postgres/cancel.js";
import {
  backendKeyOf,
  corked,
  forgetParsed,
  isParsed,
  PG_VERSION_CHECKED,
} from "../../../../src/db/drivers/postgres/pg-internals.js";
import { createTestDatabase, type TestDatabase } from "../../../support/postgres.js";

let db: TestDatabase;
let client: pg.Client;

async function connect(): Promise<pg.Client> {
  const credentials = await db.credentials(false);
  const c = new pg.Client({
    host: db.config.host,
    port: db.config.port,
    database: db.config.database,
    user: credentials?.user,
    password: credentials?.password,
  });
  await c.connect();
  return c;
}

beforeAll(async () => {
  db = await createTestDatabase("pginternals");
  client = await connect();
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe("pg internals adapter", () => {
  it("is used with the pg version it was checked on", () => {
    const installed = (createRequire(import.meta.url)("pg/package.json") as { version: string }).version;
    expect(installed, "re-check pg-internals.ts against this pg, then update PG_VERSION_CHECKED").toBe(
      PG_VERSION_CHECKED,
    );
  });

  it("reads the backend key after connect, and that key cancels a running statement", async () => {
    expect(backendKeyOf(new pg.Client())).toBeUndefined();
    const key = backendKeyOf(client);
    expect(key?.processId).toBe(Number((await client.query("SELECT pg_backend_pid() AS pid")).rows[0].pid));
    // Settled into a value at once: the cancel may land while we still await sendCancelRequest, and a
    // rejection nobody has subscribed to yet counts as unhandled and fails the run.
    const sleeping = client.query("SELECT pg_sleep(30)").then(
      () => "completed",
      (error: unknown) => error,
    );
    // The cancel names the backend; wait until the statement runs there.
    const admin = await connect();
    for (let i = 0; i < 100; i++) {
      const active = await admin.query(
        "SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep%'",
        [key?.processId],
      );
      if (active.rowCount) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await admin.end();
    await sendCancelRequest(db.config.host, db.config.port, key?.processId ?? 0, key?.secretKey ?? 0);
    expect(await sleeping).toMatchObject({ code: "57014" });
  });

  it("knows a named statement is parsed at its first execution, and forgets it after DEALLOCATE", async () => {
    const name = "igp_internals_1";
    expect(isParsed(client, name)).toBe(false);
    await client.query({ name, text: "SELECT $1::int AS n", values: [1] });
    expect(isParsed(client, name)).toBe(true);
    await client.query(`DEALLOCATE ${name}`);
    forgetParsed(client, name);
    expect(isParsed(client, name)).toBe(false);
    // Forgotten, pg parses it again instead of executing a statement the server no longer has.
    const again = await client.query({ name, text: "SELECT $1::int AS n", values: [2] });
    expect(again.rows[0].n).toBe(2);
  });

  it("corks the socket for the current tick only", async () => {
    const socket = (client as unknown as { connection: { stream: { writableCorked: number } } }).connection.stream;
    let during = -1;
    corked(client, () => {
      during = socket.writableCorked;
    });
    expect(during).toBe(1);
    await new Promise((r) => process.nextTick(r));
    expect(socket.writableCorked).toBe(0);
    // A cursor opened corked still works: its messages leave together at the end of the tick.
    const cursor = corked(client, () =>
      client.query(new Cursor<unknown[]>("SELECT 1 AS one", [], { rowMode: "array" })),
    );
    expect(await cursor.read(10)).toEqual([[1]]);
    await cursor.close();
  });

  it("gets fields on pg-cursor's first read and the command once the portal is done (its public callback)", async () => {
    await client.query("CREATE TEMP TABLE t (n int)");
    await client.query("INSERT INTO t SELECT generate_series(1, 5)");
    const cursor = client.query(new Cursor<unknown[]>("UPDATE t SET n = n + 1 RETURNING n", [], { rowMode: "array" }));
    const read = (rows: number) =>
      new Promise<{ rows: unknown[][]; result: pg.QueryResult }>((resolve, reject) =>
        cursor.read(rows, (error, got, result) => (error ? reject(error) : resolve({ rows: got, result }))),
      );
    const first = await read(2);
    expect(first.result.fields.map((f) => f.name)).toEqual(["n"]);
    expect(first.result.command).toBeNull();
    const last = await read(10);
    // The same object throughout: the driver keeps the first one and reads the command from it at the end.
    expect(last.result).toBe(first.result);
    expect(first.result.command).toBe("UPDATE");
    expect(typeof first.result.rowCount).toBe("number");
    await cursor.close();
  });
});
