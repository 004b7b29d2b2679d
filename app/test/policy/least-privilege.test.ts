// Least privilege in the database, end to end on real PostgreSQL through a real gRPC client: a read-only role names
// its own login, a PostgreSQL user granted only SELECT, so that even a statement the guard lets through as a read
// cannot write (a write function called from SELECT, nextval on a sequence). The same statements from a writing
// role on the database's own credentials do write, which proves the test can tell the two apart.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ExecuteResponse, SqlServiceClient } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { call, execRequest, expectStatus, plain } from "../support/grpc-client.js";
import { clientAs, headerIdentity } from "../support/test-identity.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

const exec = (client: SqlServiceClient, sql: string, extra: Record<string, unknown> = {}) =>
  call<unknown, ExecuteResponse>(client, "execute", execRequest({ sql, ...extra }));
const first = (result: ExecuteResponse) => plain(result.rows[0]?.values[0]);

describe("least privilege: a reader role on a SELECT-only PostgreSQL user", () => {
  const readerUser = `igp_reader_${randomBytes(4).toString("hex")}`;
  const readerPassword = randomBytes(12).toString("hex");
  const dir = mkdtempSync(join(tmpdir(), "igp-lp-"));
  const passwordFile = join(dir, "reader-password");
  let t: TestProxy;
  let reader: SqlServiceClient;
  let writer: SqlServiceClient;

  beforeAll(async () => {
    writeFileSync(passwordFile, `${readerPassword}\n`, { mode: 0o600 });
    t = await startTestProxy("postgres", {
      identity: headerIdentity,
      configPatch: {
        roles: {
          reader: {
            databases: { main: { allow: ["read"], login: { user: readerUser, password: { file: passwordFile } } } },
          },
          writer: { databases: { main: { allow: ["read", "write"] } } },
        },
      },
    });
    const admin = t.pg?.admin as NonNullable<TestProxy["pg"]>["admin"];
    await admin("CREATE TABLE counters (n int NOT NULL)");
    await admin("INSERT INTO counters VALUES (0)");
    await admin("CREATE SEQUENCE ticket_seq");
    // SECURITY INVOKER (the default): the UPDATE runs with the caller's privileges.
    await admin("CREATE FUNCTION bump() RETURNS int LANGUAGE sql AS 'UPDATE counters SET n = n + 1 RETURNING n'");
    await admin(`CREATE ROLE ${readerUser} LOGIN PASSWORD '${readerPassword}'`);
    await admin(`GRANT CONNECT ON DATABASE "${t.pg?.config.database}" TO ${readerUser}`);
    await admin(`GRANT USAGE ON SCHEMA public TO ${readerUser}`);
    await admin(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${readerUser}`);
    reader = clientAs(t.address, "api_key:rita", ["reader"]);
    writer = clientAs(t.address, "api_key:walt", ["writer"]);
  });
  afterAll(async () => {
    reader?.close();
    writer?.close();
    await t?.pg?.admin(`DROP OWNED BY ${readerUser}`).catch(() => undefined);
    await t?.close();
    const server = inject("postgres");
    const maintenance = new pg.Client({ ...server });
    await maintenance.connect();
    await maintenance.query(`DROP ROLE IF EXISTS ${readerUser}`).finally(() => maintenance.end());
    rmSync(dir, { recursive: true, force: true });
  });

  const counter = async () => Number((await t.pg?.admin("SELECT n FROM counters"))?.rows[0]?.n);

  it("the reader's statements run as the reader's database user, the writer's on the database's own", async () => {
    expect(first(await exec(reader, "SELECT current_user"))).toBe(readerUser);
    expect(first(await exec(writer, "SELECT current_user"))).not.toBe(readerUser);
    expect(Number(first(await exec(reader, "SELECT count(*) FROM customer")))).toBeGreaterThan(0);
  });

  it("a write function called from SELECT passes the guard but the database refuses it; nothing changed", async () => {
    const before = await counter();
    const { error, errorInfo } = await expectStatus(
      exec(reader, "SELECT bump()"),
      status.PERMISSION_DENIED,
      "DATABASE_PERMISSION_DENIED",
    );
    expect(error.details).toContain("permission denied");
    expect(errorInfo?.metadata.sqlstate).toBe("42501");
    expect(await counter()).toBe(before);
    // The writer's call of the same statement does write: the difference is the database user.
    expect(Number(first(await exec(writer, "SELECT bump()")))).toBe(before + 1);
    expect(await counter()).toBe(before + 1);
  });

  it("nextval on a sequence is refused to the reader and leaves the sequence as it was", async () => {
    // The PostgreSQL classifier already calls nextval a write (ROLE_DENIED); were it to miss it, the reader's
    // user has no USAGE on the sequence (DATABASE_PERMISSION_DENIED). Either way nothing moves.
    const seq = async () => (await t.pg?.admin("SELECT last_value, is_called FROM ticket_seq"))?.rows[0];
    const before = await seq();
    const { errorInfo } = await expectStatus(exec(reader, "SELECT nextval('ticket_seq')"), status.PERMISSION_DENIED);
    expect(["ROLE_DENIED", "DATABASE_PERMISSION_DENIED"]).toContain(errorInfo?.reason);
    expect(await seq()).toEqual(before);
  });

  it("sessions of the reader pin a connection of the reader's user", async () => {
    const { sessionId } = await call<unknown, { sessionId: string }>(reader, "openSession", { database: "" });
    expect(first(await exec(reader, "SELECT current_user", { sessionId }))).toBe(readerUser);
    await expectStatus(exec(reader, "SELECT bump()", { sessionId }), status.PERMISSION_DENIED);
    await call(reader, "closeSession", { sessionId });
  });

  it("the reader's login has a pool of its own", () => {
    const main = t.proxy.databases.find("main");
    expect([...(main?.loginPools.keys() ?? [])]).toEqual(["reader"]);
    expect(main?.loginPools.get("reader")).not.toBe(main?.pool);
  });
});
