// Session ownership, limits, idle expiry with rollback, and rollback on close.
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecuteResponse } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { call, execRequest, expectStatus, plain } from "../support/grpc-client.js";
import { clientAs, headerIdentity } from "../support/test-identity.js";
import { DRIVERS, startTestProxy, type TestProxy } from "../support/test-proxy.js";

describe.each(DRIVERS)("sessions on %s", (driver) => {
  let t: TestProxy;
  beforeAll(async () => {
    // Callers named by a test header (else by their connection), so ownership is tested between identities.
    t = await startTestProxy(driver, {
      configPatch: { sessions: { idleTimeoutMs: 1000, maxPerCaller: 3, maxTotal: 5 } },
      identity: headerIdentity,
    });
  });
  afterAll(async () => {
    await t?.close();
  });
  const open = (client = t.client) => call<unknown, { sessionId: string }>(client, "openSession", { database: "" });
  const cityOf = async (id: number) =>
    plain(
      (
        await call<unknown, ExecuteResponse>(
          t.client,
          "execute",
          execRequest({ sql: `SELECT city FROM customer WHERE customer_id = ${id}` }),
        )
      ).rows[0]?.values[0],
    );

  it("a session is reachable only from the caller that opened it", async () => {
    const { sessionId } = await open();
    const stranger = clientAs(t.address, "api_key:stranger", []);
    await expectStatus(
      call(stranger, "execute", execRequest({ sessionId, sql: "SELECT 1" })),
      status.NOT_FOUND,
      "SESSION_NOT_FOUND",
    );
    await expectStatus(call(stranger, "closeSession", { sessionId }), status.NOT_FOUND);
    // The owner still has it.
    await call(t.client, "execute", execRequest({ sessionId, sql: "SELECT 1" }));
    await call(t.client, "closeSession", { sessionId });
  });

  it("closing a session with an open transaction rolls it back", async () => {
    const before = await cityOf(4);
    const { sessionId } = await open();
    await call(t.client, "beginTransaction", { sessionId, isolation: 0, readOnly: false });
    await call(
      t.client,
      "execute",
      execRequest({ sessionId, sql: "UPDATE customer SET city = 'Uncommitted' WHERE customer_id = 4" }),
    );
    const closed = await call<unknown, { rolledBack: boolean }>(t.client, "closeSession", { sessionId });
    expect(closed.rolledBack).toBe(true);
    expect(await cityOf(4)).toBe(before);
  });

  it("per-caller limit -> RESOURCE_EXHAUSTED, and freed on close", async () => {
    const client = t.newClient();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await open(client)).sessionId);
    await expectStatus(open(client), status.RESOURCE_EXHAUSTED, "SESSION_LIMIT");
    await call(client, "closeSession", { sessionId: ids[0] });
    ids[0] = (await open(client)).sessionId;
    for (const sessionId of ids) await call(client, "closeSession", { sessionId });
  });

  it("an idle session expires: its transaction is rolled back and its id is gone", async () => {
    const before = await cityOf(5);
    const { sessionId } = await open();
    await call(t.client, "beginTransaction", { sessionId, isolation: 0, readOnly: false });
    await call(
      t.client,
      "execute",
      execRequest({ sessionId, sql: "UPDATE customer SET city = 'Expired' WHERE customer_id = 5" }),
    );
    const expired = async () => (await t.proxy.metrics.sessionsExpired.get()).values[0]?.value ?? 0;
    const expiredBefore = await expired();
    // Wait for the reaper (idle timeout 1 s) without timing assertions: poll until the session is gone.
    for (let i = 0; i < 100 && t.proxy.sessions.size > 0; i++) await new Promise((r) => setTimeout(r, 100));
    await expectStatus(call(t.client, "execute", execRequest({ sessionId, sql: "SELECT 1" })), status.NOT_FOUND);
    expect(await cityOf(5)).toBe(before);
    expect(await expired()).toBe(expiredBefore + 1);
  });
});

describe("sessions without authentication on loopback", () => {
  let t: TestProxy;
  beforeAll(async () => {
    t = await startTestProxy("sqlite");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("every caller is the one local identity: a session opened on one connection is used from another", async () => {
    const opener = t.newClient();
    const { sessionId } = await call<unknown, { sessionId: string }>(opener, "openSession", { database: "" });
    opener.close();
    const next = t.newClient(); // like the next grpcurl call: a new TCP connection
    const result = await call<unknown, ExecuteResponse>(next, "execute", execRequest({ sessionId, sql: "SELECT 1" }));
    expect(result.rows).toHaveLength(1);
    await call(next, "closeSession", { sessionId });
  });
});
