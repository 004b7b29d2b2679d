// Authorization end to end through a real gRPC client: role grants per database, SELECT ... INTO TEMP for
// readers, session limits per identity, callers without a grant, and session ownership. The caller is named
// by the test-only x-test-identity resolver (support/test-identity.ts); one block uses real API keys.
import { createHash, randomBytes } from "node:crypto";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecuteResponse, SqlServiceClient } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { call, clientWithMetadata, execRequest, expectStatus, plain, streamAll } from "../support/grpc-client.js";
import { clientAs, headerIdentity } from "../support/test-identity.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

const roles = {
  reader: { databases: { main: { allow: ["read"], maxSessions: 1 } } },
  writer: { databases: { main: { allow: ["read", "write"], maxSessions: 2 } } },
  elsewhere: { databases: { other: { allow: ["read", "write"] } } },
};

const exec = (client: SqlServiceClient, sql: string, extra: Record<string, unknown> = {}) =>
  call<unknown, ExecuteResponse>(client, "execute", execRequest({ sql, ...extra }));
const open = (client: SqlServiceClient) =>
  call<unknown, { sessionId: string }>(client, "openSession", { database: "" });
const close = (client: SqlServiceClient, sessionId: string) => call(client, "closeSession", { sessionId });

describe("authorization by role (test identities)", () => {
  let t: TestProxy;
  const clients: SqlServiceClient[] = [];
  const as = (id: string, roleNames: string[]) => {
    const c = clientAs(t.address, id, roleNames);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await startTestProxy("sqlite", {
      identity: headerIdentity,
      configPatch: {
        // A second database so that a role can grant one and not the other.
        databases: { other: { driver: "sqlite", path: ":memory:", pool: { max: 1 } } },
        roles,
      },
    });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  it("a reader reads and is refused writes with ROLE_DENIED", async () => {
    const reader = as("api_key:rita", ["reader"]);
    const result = await exec(reader, "SELECT count(*) FROM customer");
    expect(Number(plain(result.rows[0]?.values[0]))).toBeGreaterThan(0);
    const { errorInfo, error } = await expectStatus(
      exec(reader, "UPDATE customer SET city = 'Nowhere' WHERE customer_id = 1"),
      status.PERMISSION_DENIED,
      "ROLE_DENIED",
    );
    expect(errorInfo?.metadata).toMatchObject({ statement_class: "write", database: "main" });
    expect(error.details).not.toContain("Nowhere");
    await expectStatus(streamAll(reader, { sql: "DELETE FROM customer" }), status.PERMISSION_DENIED, "ROLE_DENIED");
  });

  it("SELECT ... INTO TEMP is a write: refused to a reader, passed on for a writer", async () => {
    const sql = "SELECT * FROM customer INTO TEMP x WITH NO LOG";
    const { error } = await expectStatus(
      exec(as("api_key:rita", ["reader"]), sql),
      status.PERMISSION_DENIED,
      "ROLE_DENIED",
    );
    expect(error.details).toContain("INTO TEMP");
    // The guard lets the writer through; SQLite itself does not know the Informix syntax.
    const writerError = await exec(as("api_key:walt", ["writer"]), sql).then(
      () => undefined,
      (e: { code: number }) => e,
    );
    expect(writerError?.code).not.toBe(status.PERMISSION_DENIED);
  });

  it("a writer writes", async () => {
    const result = await exec(as("api_key:walt", ["writer"]), "UPDATE customer SET city = city WHERE customer_id = 1");
    expect(result.rowsAffected).toBe(1n);
  });

  it("maxSessions limits each identity's open sessions on the database", async () => {
    const reader = as("api_key:rosa", ["reader"]);
    const first = await open(reader);
    await expectStatus(open(reader), status.RESOURCE_EXHAUSTED, "SESSION_LIMIT");
    // Another reader identity has its own count; from another connection, the same identity does not.
    const other = await open(as("api_key:ruth", ["reader"]));
    await expectStatus(open(as("api_key:rosa", ["reader"])), status.RESOURCE_EXHAUSTED, "SESSION_LIMIT");
    await close(reader, first.sessionId);
    const again = await open(reader);
    await close(reader, again.sessionId);
    await close(as("api_key:ruth", ["reader"]), other.sessionId);
  });

  it("the largest maxSessions among the identity's roles applies", async () => {
    const both = as("api_key:bo", ["reader", "writer"]);
    const a = await open(both);
    const b = await open(both);
    await expectStatus(open(both), status.RESOURCE_EXHAUSTED, "SESSION_LIMIT");
    await close(both, a.sessionId);
    await close(both, b.sessionId);
  });

  it("an identity without a grant on the database is refused every statement and OpenSession", async () => {
    for (const client of [as("api_key:eve", ["elsewhere"]), as("api_key:nobody", []), as("jwt:mallory", ["admin"])]) {
      await expectStatus(exec(client, "SELECT 1"), status.PERMISSION_DENIED, "ROLE_DENIED");
      await expectStatus(open(client), status.PERMISSION_DENIED, "ROLE_DENIED");
    }
    const eve = as("api_key:eve", ["elsewhere"]);
    await exec(eve, "SELECT 1", { database: "other" });
  });

  it("a session belongs to the identity that opened it", async () => {
    const walt = as("api_key:walt", ["writer"]);
    const { sessionId } = await open(walt);
    await expectStatus(
      exec(as("api_key:wanda", ["writer"]), "SELECT 1", { sessionId }),
      status.NOT_FOUND,
      "SESSION_NOT_FOUND",
    );
    await exec(walt, "SELECT 1", { sessionId });
    await close(walt, sessionId);
  });

  it("a peer caller (no identity header) is checked by the policy only", async () => {
    const peer = t.newClient();
    await exec(peer, "UPDATE customer SET city = city WHERE customer_id = 2");
    await expectStatus(exec(peer, "DROP TABLE customer"), status.PERMISSION_DENIED, "POLICY_DDL_DENIED");
  });
});

describe("authorization with API keys", () => {
  const readerKey = randomBytes(24).toString("base64url");
  const writerKey = randomBytes(24).toString("base64url");
  const sha256 = (key: string) => createHash("sha256").update(key).digest("hex");
  let t: TestProxy;
  const clients: SqlServiceClient[] = [];
  const withKey = (key: string) => {
    const c = clientWithMetadata(t.address, { authorization: `Bearer ${key}` });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await startTestProxy("sqlite", {
      configPatch: {
        auth: {
          apiKeys: [
            { name: "reports", sha256: sha256(readerKey), roles: ["reader"] },
            { name: "orders", sha256: sha256(writerKey), roles: ["writer"] },
          ],
        },
        roles: { reader: roles.reader, writer: roles.writer },
      },
    });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  it("the key's roles decide: reader refused a write, writer allowed", async () => {
    await exec(withKey(readerKey), "SELECT 1");
    await expectStatus(
      exec(withKey(readerKey), "DELETE FROM customer WHERE customer_id = 1"),
      status.PERMISSION_DENIED,
      "ROLE_DENIED",
    );
    const result = await exec(withKey(writerKey), "UPDATE customer SET city = city WHERE customer_id = 3");
    expect(result.rowsAffected).toBe(1n);
  });

  it("the reader key's session limit is 1", async () => {
    const client = withKey(readerKey);
    const { sessionId } = await open(client);
    await expectStatus(open(withKey(readerKey)), status.RESOURCE_EXHAUSTED, "SESSION_LIMIT");
    await close(client, sessionId);
  });
});
