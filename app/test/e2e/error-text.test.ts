// What error messages may carry, end to end through a real gRPC client: client-supplied text is echoed bounded
// (a 100 KB table name must not blow the trailers up and reset the HTTP/2 connection that other calls share),
// rich details are capped, and UNAVAILABLE never shows the database host, port or errno (the log does).
import { createServer } from "node:net";
import { type Metadata, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../src/core/api-error.js";
import { MESSAGE_MAX_CHARS } from "../../src/core/client-text.js";
import type { ExecuteResponse } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { decodeStatusDetails, toServiceError } from "../../src/transport/status-details.js";
import { call, execRequest, expectStatus } from "../support/grpc-client.js";
import { captureLogs, type LogCapture } from "../support/log-capture.js";
import { DRIVERS, startTestProxy, type TestProxy } from "../support/test-proxy.js";

const HUGE = "t".repeat(100 * 1024);

describe.each(DRIVERS)("bounded error text (%s)", (driver) => {
  let t: TestProxy;
  beforeAll(async () => {
    t = await startTestProxy(driver);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("a 100 KB table name in DescribeTable is NOT_FOUND with a bounded message, and the channel keeps working", async () => {
    const others = Array.from({ length: 20 }, () =>
      call<unknown, ExecuteResponse>(t.client, "execute", execRequest({ sql: "SELECT 1" })),
    );
    const { error, errorInfo } = await expectStatus(
      call(t.client, "describeTable", { database: "", schema: "", table: HUGE }),
      status.NOT_FOUND,
    );
    expect(error.details.length).toBeLessThanOrEqual(MESSAGE_MAX_CHARS + 1);
    expect(error.details).toContain("…");
    expect(error.details).toContain("t".repeat(100));
    for (const value of Object.values(errorInfo?.metadata ?? {})) expect(value.length).toBeLessThanOrEqual(257);
    // Every call sharing the HTTP/2 connection succeeded, before and after.
    expect((await Promise.all(others)).length).toBe(20);
    await call(t.client, "execute", execRequest({ sql: "SELECT 1" }));
  });

  it("a 100 KB database name is NOT_FOUND, echoed bounded", async () => {
    const { error } = await expectStatus(
      call(t.client, "execute", execRequest({ sql: "SELECT 1", database: HUGE })),
      status.NOT_FOUND,
      "DATABASE_NOT_FOUND",
    );
    expect(error.details.length).toBeLessThan(200);
    await call(t.client, "execute", execRequest({ sql: "SELECT 1" }));
  });

  it("a 100 KB syntax error echoed by the database is bounded too", async () => {
    const { error } = await expectStatus(
      call(t.client, "execute", execRequest({ sql: `SELECT ${HUGE} FROM nowhere_${HUGE}` })),
      status.NOT_FOUND,
    );
    expect(error.details.length).toBeLessThanOrEqual(MESSAGE_MAX_CHARS + 1);
    await call(t.client, "execute", execRequest({ sql: "SELECT 1" }));
  });
});

describe("status details are capped at the edge", () => {
  it("message, ErrorInfo metadata and BadRequest violations stay within their bounds", () => {
    const metadata = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, "v".repeat(10_000)]));
    const error = new ApiError(status.INVALID_ARGUMENT, "m".repeat(50_000), {
      reason: "R",
      metadata,
      fieldViolations: Array.from({ length: 30 }, () => ({ field: "f".repeat(5000), description: "d".repeat(5000) })),
    });
    const serviceError = toServiceError(error);
    expect(serviceError.details.length).toBe(MESSAGE_MAX_CHARS + 1);
    const details = decodeStatusDetails(serviceError.metadata as Metadata);
    expect(Object.keys(details.errorInfo?.metadata ?? {}).length).toBe(16);
    for (const value of Object.values(details.errorInfo?.metadata ?? {})) expect(value.length).toBe(257);
    expect(details.badRequest?.fieldViolations).toHaveLength(8);
    const encoded = (serviceError.metadata as Metadata).get("grpc-status-details-bin")[0] as Buffer;
    expect(encoded.length).toBeLessThan(16 * 1024);
  });
});

describe("UNAVAILABLE hides where the database is", () => {
  let t: TestProxy;
  let log: LogCapture;
  let closedPort: number;

  beforeAll(async () => {
    // A port that was free a moment ago and has nobody listening now: connect fails with ECONNREFUSED.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    log = captureLogs();
    t = await startTestProxy("sqlite", {
      logger: log.logger,
      configPatch: {
        databases: {
          down: {
            driver: "postgres",
            host: "127.0.0.1",
            port: closedPort,
            database: "nothing",
            user: "nobody",
            pool: { acquireTimeoutMs: 2000 },
          },
        },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("the client gets a generic message; the log gets the driver's detail", async () => {
    const { error, errorInfo } = await expectStatus(
      call(t.client, "execute", execRequest({ sql: "SELECT 1", database: "down" })),
      status.UNAVAILABLE,
      "DATABASE_UNAVAILABLE",
    );
    expect(error.details).toBe('database "down" is unavailable; retry later');
    const everything = `${error.details} ${JSON.stringify(errorInfo)}`;
    expect(everything).not.toContain("127.0.0.1");
    expect(everything).not.toContain(String(closedPort));
    expect(everything).not.toContain("ECONNREFUSED");
    const detail = log.records().find((r) => r.msg === "database unavailable");
    expect(String(detail?.detail)).toContain("ECONNREFUSED");
  });
});
