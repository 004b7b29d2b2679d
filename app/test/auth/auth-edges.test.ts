// Authentication edges end to end: two authorization headers in one request (sent by a raw HTTP/2 client, since
// grpc-js and Node's client refuse to), JWTs that live longer than auth.jwt.maxLifetimeSec, and the role's
// maxSessions under 50 concurrent OpenSession calls through a real gRPC client.
import { connect } from "node:http2";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/auth/api-key-authenticator.js";
import { generateApiKey } from "../../src/cli/hash-key-command.js";
import {
  ExecuteRequest,
  type ExecuteResponse,
  type SqlServiceClient,
} from "../../src/gen/informix/proxy/v1/sql_service.js";
import { call, clientWithMetadata, execRequest, expectStatus } from "../support/grpc-client.js";
import { type JwksServer, startJwksServer } from "../support/jwks-server.js";
import { captureLogs, type LogCapture } from "../support/log-capture.js";
import { clientAs, headerIdentity } from "../support/test-identity.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

/** One Execute call over raw HTTP/2 with exactly these authorization header fields, in this order. */
async function executeWithHeaders(
  address: string,
  authorization: string[],
): Promise<{ code: number; message: string }> {
  // strictSingleValueFields: false lets this client send a header Node normally allows once.
  const session = connect(`http://${address}`, { strictSingleValueFields: false } as Parameters<typeof connect>[1]);
  try {
    const raw = [
      ":method",
      "POST",
      ":path",
      "/informix.proxy.v1.SqlService/Execute",
      ":scheme",
      "http",
      ":authority",
      address,
      "content-type",
      "application/grpc",
      "te",
      "trailers",
      ...authorization.flatMap((value) => ["authorization", value]),
    ];
    const body = Buffer.from(ExecuteRequest.encode(execRequest({ sql: "SELECT 1" })).finish());
    const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), body]);
    frame.writeUInt32BE(body.length, 1);
    return await new Promise((resolve, reject) => {
      const stream = session.request(raw as unknown as Record<string, string>);
      let headers: Record<string, unknown> = {};
      stream.on("response", (h) => {
        headers = h;
      });
      stream.on("trailers", (trailers) => {
        headers = { ...headers, ...trailers };
      });
      stream.on("data", () => undefined);
      stream.on("end", () =>
        resolve({
          code: Number(headers["grpc-status"]),
          message: decodeURIComponent(String(headers["grpc-message"] ?? "")),
        }),
      );
      stream.on("error", reject);
      stream.end(frame);
    });
  } finally {
    session.close();
  }
}

const select1 = (client: SqlServiceClient) =>
  call<unknown, ExecuteResponse>(client, "execute", execRequest({ sql: "SELECT 1" }));

describe("authentication edges", () => {
  const alphaKey = generateApiKey();
  const betaKey = generateApiKey();
  let jwks: JwksServer;
  let t: TestProxy;
  let log: LogCapture;
  const clients: SqlServiceClient[] = [];
  const bearer = (token: string) => {
    const c = clientWithMetadata(t.address, { authorization: `Bearer ${token}` });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    jwks = await startJwksServer();
    log = captureLogs();
    t = await startTestProxy("sqlite", {
      logger: log.logger,
      configPatch: {
        auth: {
          apiKeys: [
            { name: "alpha", sha256: sha256Hex(alphaKey), roles: ["reader"] },
            { name: "beta", sha256: sha256Hex(betaKey), roles: ["writer"] },
          ],
          jwt: {
            jwksUrl: jwks.url,
            issuer: jwks.issuer,
            audience: jwks.audience,
            algorithms: ["RS256"],
            clockToleranceSec: 0,
            maxLifetimeSec: 3600,
          },
        },
        roles: {
          reader: { databases: { "*": { allow: ["read"] } } },
          writer: { databases: { "*": { allow: ["read", "write"] } } },
        },
      },
    });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
    await jwks?.close();
  });

  it("a single authorization header over raw HTTP/2 works (the harness itself is sound)", async () => {
    expect((await executeWithHeaders(t.address, [`Bearer ${alphaKey}`])).code).toBe(status.OK);
  });

  it("two authorization headers are UNAUTHENTICATED, whatever their order and validity", async () => {
    const token = await jwks.sign({ roles: ["reader"] });
    const pairs = [
      [`Bearer ${alphaKey}`, `Bearer ${betaKey}`],
      [`Bearer ${betaKey}`, `Bearer ${alphaKey}`],
      [`Bearer ${alphaKey}`, "Bearer igp_not_a_key"],
      ["Bearer igp_not_a_key", `Bearer ${alphaKey}`],
      [`Bearer ${alphaKey}`, `Bearer ${token}`],
      [`Bearer ${token}`, `Bearer ${alphaKey}`],
      [`Bearer ${alphaKey}`, `Bearer ${alphaKey}`],
    ];
    for (const pair of pairs) {
      expect(await executeWithHeaders(t.address, pair), pair.join(" + ")).toEqual({
        code: status.UNAUTHENTICATED,
        message: "invalid credentials",
      });
    }
    expect(log.records().some((l) => String(l.reason).includes("more than one authorization header"))).toBe(true);
  });

  it("a JWT living longer than maxLifetimeSec is refused (exp - iat)", async () => {
    const now = Math.floor(Date.now() / 1000);
    const { error } = await expectStatus(
      select1(bearer(await jwks.sign({ roles: ["reader"], iat: now - 60, exp: now + 2 * 3600 }))),
      status.UNAUTHENTICATED,
      "UNAUTHENTICATED",
    );
    expect(error.details).toBe("invalid credentials");
    expect(log.records().some((l) => /exceeds auth\.jwt\.maxLifetimeSec/.test(String(l.reason)))).toBe(true);
  });

  it("a JWT without iat whose exp is further than maxLifetimeSec from now is refused (exp - now)", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await jwks.sign({ roles: ["reader"], exp: now + 7200 }, { omit: ["iat"] });
    await expectStatus(select1(bearer(token)), status.UNAUTHENTICATED, "UNAUTHENTICATED");
    expect(log.records().some((l) => String(l.reason).includes("exp - now (no iat)"))).toBe(true);
  });

  it("JWTs within the maximum are accepted, with and without iat", async () => {
    const now = Math.floor(Date.now() / 1000);
    await select1(bearer(await jwks.sign({ roles: ["reader"], iat: now, exp: now + 3600 })));
    await select1(bearer(await jwks.sign({ roles: ["reader"], exp: now + 600 }, { omit: ["iat"] })));
  });
});

describe("maxSessions under concurrent OpenSession", () => {
  let t: TestProxy;
  const clients: SqlServiceClient[] = [];

  beforeAll(async () => {
    t = await startTestProxy("postgres", {
      identity: headerIdentity,
      pool: { max: 10 },
      configPatch: {
        sessions: { maxPerCaller: 100, maxTotal: 200 },
        roles: { limited: { databases: { main: { allow: ["read"], maxSessions: 3 } } } },
      },
    });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  it("50 concurrent calls open exactly maxSessions sessions; the rest are RESOURCE_EXHAUSTED", async () => {
    const client = clientAs(t.address, "api_key:racer", ["limited"]);
    clients.push(client);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => call<unknown, { sessionId: string }>(client, "openSession", { database: "" })),
    );
    const opened = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.sessionId] : []));
    const refused = results.flatMap((r) =>
      r.status === "rejected" ? [r.reason as { code: number; details: string }] : [],
    );
    expect(opened).toHaveLength(3);
    expect(refused).toHaveLength(47);
    for (const error of refused) {
      expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(error.details).toContain("at most 3 open sessions");
    }
    expect(t.proxy.sessions.countFor("api_key:racer", "main")).toBe(3);

    // A slot freed is a slot reusable; the limit still holds after it.
    await call(client, "closeSession", { sessionId: opened[0] });
    await call(client, "openSession", { database: "" });
    await expectStatus(call(client, "openSession", { database: "" }), status.RESOURCE_EXHAUSTED, "SESSION_LIMIT");
  });
});
