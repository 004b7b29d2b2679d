// Authentication end to end: a real gRPC client over loopback against a proxy configured with API keys and
// JWTs (verified against a local JWKS server). Every attack case must end in UNAUTHENTICATED with the
// generic message; the log carries the reason but never the credential.

import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { credentials, loadPackageDefinition, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { protoPath as healthProtoPath } from "grpc-health-check";
import { base64url, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/auth/api-key-authenticator.js";
import { generateApiKey } from "../../src/cli/hash-key-command.js";
import type { ExecuteResponse, SqlServiceClient } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { call, clientWithMetadata, execRequest, expectStatus, plain, streamAll } from "../support/grpc-client.js";
import { type JwksServer, startJwksServer } from "../support/jwks-server.js";
import { captureLogs, type LogCapture } from "../support/log-capture.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

const INVALID = "invalid credentials";

/** A client whose every call carries these authorization values (none, one, or several). */
const clientWith = (address: string, ...authorization: string[]) => clientWithMetadata(address, { authorization });

const select1 = (client: SqlServiceClient) =>
  call<unknown, ExecuteResponse>(client, "execute", execRequest({ sql: "SELECT 1" }));

async function expectInvalid(promise: Promise<unknown>) {
  const { error } = await expectStatus(promise, status.UNAUTHENTICATED, "UNAUTHENTICATED");
  expect(error.details).toBe(INVALID);
}

describe("authentication (API keys and JWT)", () => {
  const alphaKey = generateApiKey();
  const betaKey = generateApiKey();
  let jwks: JwksServer;
  let t: TestProxy;
  let log: LogCapture;
  const clients: SqlServiceClient[] = [];
  const client = (...authorization: string[]) => {
    const c = clientWith(t.address, ...authorization);
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
            { name: "beta", sha256: sha256Hex(betaKey), roles: ["reader"] },
          ],
          jwt: {
            jwksUrl: jwks.url,
            issuer: jwks.issuer,
            audience: jwks.audience,
            algorithms: ["RS256", "ES256"],
            rolesClaim: "realm_access.roles",
            clockToleranceSec: 30,
            // Tests rotate keys back to back; production keeps the 30 s default.
            jwksCooldownMs: 0,
          },
        },
        roles: { reader: { databases: { "*": { allow: ["read"] } } } },
      },
    });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
    await jwks?.close();
  });

  describe("API keys", () => {
    it("a configured key is accepted", async () => {
      const result = await select1(client(`Bearer ${alphaKey}`));
      expect(plain(result.rows[0]?.values[0])).toBe(1n);
    });

    it("the Bearer scheme is case-insensitive", async () => {
      await select1(client(`bearer ${alphaKey}`));
    });

    it("an unknown key is refused with the generic message", async () => {
      await expectInvalid(select1(client(`Bearer ${generateApiKey()}`)));
    });

    it("a key that differs in one character is refused", async () => {
      const last = alphaKey.at(-1) === "A" ? "B" : "A";
      await expectInvalid(select1(client(`Bearer ${alphaKey.slice(0, -1)}${last}`)));
    });

    it("the configured hash itself is not a key", async () => {
      await expectInvalid(select1(client(`Bearer ${sha256Hex(alphaKey)}`)));
    });

    it("an empty bearer token is refused", async () => {
      await expectInvalid(select1(client("Bearer")));
      // HTTP/2 drops a header value with trailing whitespace, so "Bearer " arrives as no header at all.
      const { error } = await expectStatus(select1(client("Bearer ")), status.UNAUTHENTICATED, "UNAUTHENTICATED");
      expect(error.details).toMatch(/^(missing|invalid) credentials/);
    });

    it("another scheme is refused (Basic, or the key without a scheme)", async () => {
      await expectInvalid(select1(client(`Basic ${Buffer.from(`alpha:${alphaKey}`).toString("base64")}`)));
      await expectInvalid(select1(client(alphaKey)));
    });

    it("a token with characters outside RFC 6750 is refused", async () => {
      await expectInvalid(select1(client(`Bearer ${alphaKey} extra`)));
    });

    it("no credentials: UNAUTHENTICATED telling what to send", async () => {
      const { error } = await expectStatus(select1(client()), status.UNAUTHENTICATED, "UNAUTHENTICATED");
      expect(error.details).toBe("missing credentials: send 'authorization: Bearer <API key or JWT>'");
    });

    it("streaming calls are authenticated too", async () => {
      const { error } = await expectStatus(
        streamAll(client(), { sql: "SELECT 1" }),
        status.UNAUTHENTICATED,
        "UNAUTHENTICATED",
      );
      expect(error.details).toMatch(/^missing credentials/);
      const { rows } = await streamAll(client(`Bearer ${betaKey}`), { sql: "SELECT 1" });
      expect(rows).toHaveLength(1);
    });
  });

  describe("JWT", () => {
    const now = () => Math.floor(Date.now() / 1000);
    /** A token from the provider carrying the "reader" role at the configured claim path. */
    const token = (claims: JWTPayload = {}, options?: Parameters<JwksServer["sign"]>[1]) =>
      jwks.sign({ realm_access: { roles: ["reader"] }, ...claims }, options);

    it("a valid token is accepted", async () => {
      const result = await select1(client(`Bearer ${await token()}`));
      expect(plain(result.rows[0]?.values[0])).toBe(1n);
    });

    it("ES256 tokens from an ES256 key in the JWKS are accepted", async () => {
      const es = await jwks.newKey("ES256");
      jwks.publishRaw(es.publicJwk);
      await select1(client(`Bearer ${await token({}, { key: es })}`));
    });

    it("roles come from the configured claim: none -> PERMISSION_DENIED, a string or an array -> granted", async () => {
      await expectStatus(select1(client(`Bearer ${await jwks.sign({})}`)), status.PERMISSION_DENIED);
      await expectStatus(
        select1(client(`Bearer ${await jwks.sign({ realm_access: { roles: ["auditor"] } })}`)),
        status.PERMISSION_DENIED,
      );
      await select1(client(`Bearer ${await jwks.sign({ realm_access: { roles: "reader" } })}`));
      await select1(client(`Bearer ${await jwks.sign({ realm_access: { roles: ["other", "reader"] } })}`));
    });

    it("expiry within the clock tolerance is accepted, beyond it refused", async () => {
      await select1(client(`Bearer ${await token({ exp: now() - 5 })}`));
      await expectInvalid(select1(client(`Bearer ${await jwks.sign({ exp: now() - 3600 })}`)));
    });

    it("a token without exp is refused", async () => {
      await expectInvalid(select1(client(`Bearer ${await jwks.sign({}, { omit: ["exp"] })}`)));
    });

    it("a token not yet valid (nbf in the future) is refused", async () => {
      await expectInvalid(select1(client(`Bearer ${await jwks.sign({ nbf: now() + 3600 })}`)));
    });

    it("a wrong issuer is refused", async () => {
      await expectInvalid(select1(client(`Bearer ${await jwks.sign({ iss: "https://evil.example/" })}`)));
    });

    it("a wrong audience is refused", async () => {
      await expectInvalid(select1(client(`Bearer ${await jwks.sign({ aud: "some-other-service" })}`)));
    });

    it("a token without a subject is refused", async () => {
      await expectInvalid(select1(client(`Bearer ${await jwks.sign({}, { omit: ["sub"] })}`)));
    });

    it('alg "none" is refused', async () => {
      const header = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }));
      const payload = base64url.encode(
        JSON.stringify({ iss: jwks.issuer, aud: jwks.audience, sub: "mallory", exp: now() + 300 }),
      );
      await expectInvalid(select1(client(`Bearer ${header}.${payload}.`)));
    });

    it("HS256 signed with the RSA public key as the HMAC secret is refused", async () => {
      const key = jwks.current;
      const forged = await new SignJWT({ iss: jwks.issuer, aud: jwks.audience, sub: "mallory" })
        .setProtectedHeader({ alg: "HS256", kid: key.kid })
        .setExpirationTime("5m")
        .sign(new TextEncoder().encode(key.publicPem));
      await expectInvalid(select1(client(`Bearer ${forged}`)));
    });

    it("HS256 is refused even when the JWKS publishes a symmetric (oct) key", async () => {
      const secret = new TextEncoder().encode("a shared secret the attacker has planted in the JWKS");
      jwks.publishRaw({ kty: "oct", kid: "planted-oct", alg: "HS256", k: base64url.encode(secret) });
      const forged = await new SignJWT({ iss: jwks.issuer, aud: jwks.audience, sub: "mallory" })
        .setProtectedHeader({ alg: "HS256", kid: "planted-oct" })
        .setExpirationTime("5m")
        .sign(secret);
      await expectInvalid(select1(client(`Bearer ${forged}`)));
    });

    it("a tampered payload (signature of another payload) is refused", async () => {
      const [header, , signature] = (await jwks.sign({ sub: "alice" })).split(".");
      const payload = base64url.encode(
        JSON.stringify({ iss: jwks.issuer, aud: jwks.audience, sub: "admin", exp: now() + 300 }),
      );
      await expectInvalid(select1(client(`Bearer ${header}.${payload}.${signature}`)));
    });

    it("a token signed by a key outside the JWKS is refused", async () => {
      const stranger = await jwks.newKey();
      await expectInvalid(select1(client(`Bearer ${await jwks.sign({}, { key: stranger })}`)));
    });

    it("an unknown kid refetches the JWKS, so a rotated-in key is accepted", async () => {
      const next = await jwks.newKey();
      const rotated = await token({}, { key: next });
      // Not yet published: the refetch finds nothing.
      const before = jwks.fetches;
      await expectInvalid(select1(client(`Bearer ${rotated}`)));
      expect(jwks.fetches).toBeGreaterThan(before);
      // The provider rotates: the same token now verifies after the proxy refetches.
      jwks.rotateTo(next, { retireOthers: true });
      await select1(client(`Bearer ${rotated}`));
      await select1(client(`Bearer ${await token()}`));
    });
  });

  describe("identity", () => {
    it("the caller's identity is in the RPC log line, and no credential is ever logged", async () => {
      const token = await jwks.sign({ sub: "carol", realm_access: { roles: ["reader"] } });
      await select1(client(`Bearer ${alphaKey}`));
      await select1(client(`Bearer ${token}`));
      await expectInvalid(select1(client(`Bearer ${await jwks.sign({ exp: now() - 3600 })}`)));
      const rpcLines = log.records().filter((r) => r.msg === "rpc");
      const callers = rpcLines.map((r) => r.caller);
      expect(callers).toContain("api_key:alpha");
      expect(callers).toContain("jwt:carol");
      const refused = log.records().filter((r) => r.msg === "authentication refused");
      expect(refused.some((r) => r.reason === "jwt: token expired")).toBe(true);
      const unauthenticated = rpcLines.filter((r) => r.code === "Unauthenticated");
      expect(unauthenticated.length).toBeGreaterThan(0);
      expect(unauthenticated.some((r) => r.authFailure === "jwt: token expired")).toBe(true);
      const all = log.lines.join("\n");
      for (const secret of [alphaKey, betaKey, token, token.split(".")[2] ?? token]) expect(all).not.toContain(secret);
      function now() {
        return Math.floor(Date.now() / 1000);
      }
    });

    it("a session opened with key A is NOT_FOUND for key B and for a JWT caller", async () => {
      const a = client(`Bearer ${alphaKey}`);
      const b = client(`Bearer ${betaKey}`);
      const jwtCaller = client(`Bearer ${await jwks.sign({ sub: "alpha", realm_access: { roles: ["reader"] } })}`);
      const { sessionId } = await call<unknown, { sessionId: string }>(a, "openSession", { database: "" });
      await expectStatus(
        call(b, "execute", execRequest({ sessionId, sql: "SELECT 1" })),
        status.NOT_FOUND,
        "SESSION_NOT_FOUND",
      );
      await expectStatus(call(jwtCaller, "execute", execRequest({ sessionId, sql: "SELECT 1" })), status.NOT_FOUND);
      await expectStatus(call(b, "closeSession", { sessionId }), status.NOT_FOUND);
      // Same key on another connection is the same caller.
      await call(client(`Bearer ${alphaKey}`), "execute", execRequest({ sessionId, sql: "SELECT 1" }));
      await call(a, "closeSession", { sessionId });
    });
  });

  describe("standard services", () => {
    it("grpc.health.v1 answers without credentials (probes)", async () => {
      const definition = loadSync(healthProtoPath, { keepCase: true, enums: String });
      const pkg = loadPackageDefinition(definition) as unknown as {
        grpc: {
          health: {
            v1: { Health: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => HealthClient };
          };
        };
      };
      const health = new pkg.grpc.health.v1.Health(t.address, credentials.createInsecure());
      try {
        const response = await new Promise<{ status: string }>((resolve, reject) =>
          health.Check({ service: "" }, (error, value) => (error ? reject(error) : resolve(value))),
        );
        expect(["SERVING", "NOT_SERVING"]).toContain(response.status);
      } finally {
        health.close();
      }
    });

    it("server reflection needs credentials", async () => {
      const anonymous = await listServices(t.address);
      expect(anonymous.error?.code).toBe(status.UNAUTHENTICATED);
      expect(anonymous.error?.details).toMatch(/^missing credentials/);
      const bad = await listServices(t.address, `Bearer ${generateApiKey()}`);
      expect(bad.error?.details).toBe(INVALID);
      const good = await listServices(t.address, `Bearer ${alphaKey}`);
      expect(good.error).toBeUndefined();
      expect(good.services).toContain("informix.proxy.v1.SqlService");
    });
  });
});

interface HealthClient {
  Check(request: { service: string }, callback: (error: ServiceError | null, value: { status: string }) => void): void;
  close(): void;
}

interface ReflectionStream {
  write(message: unknown): void;
  end(): void;
  on(event: "data", listener: (message: { list_services_response?: { service: { name: string }[] } }) => void): void;
  on(event: "error", listener: (error: ServiceError) => void): void;
  on(event: "end", listener: () => void): void;
}

/** One list_services request over grpc.reflection.v1. */
async function listServices(
  address: string,
  authorization?: string,
): Promise<{ services: string[]; error?: ServiceError }> {
  const require = createRequire(import.meta.url);
  const protoDir = join(dirname(require.resolve("@grpc/reflection/package.json")), "build", "proto");
  const definition = loadSync("grpc/reflection/v1/reflection.proto", {
    includeDirs: [protoDir],
    keepCase: true,
    oneofs: true,
  });
  const pkg = loadPackageDefinition(definition) as unknown as {
    grpc: {
      reflection: {
        v1: {
          ServerReflection: new (
            a: string,
            c: ReturnType<typeof credentials.createInsecure>,
          ) => {
            ServerReflectionInfo(metadata: Metadata): ReflectionStream;
            close(): void;
          };
        };
      };
    };
  };
  const client = new pkg.grpc.reflection.v1.ServerReflection(address, credentials.createInsecure());
  const metadata = new Metadata();
  if (authorization) metadata.set("authorization", authorization);
  try {
    return await new Promise((resolve) => {
      const services: string[] = [];
      const stream = client.ServerReflectionInfo(metadata);
      stream.on("data", (message) => {
        for (const s of message.list_services_response?.service ?? []) services.push(s.name);
        stream.end();
      });
      stream.on("error", (error) => resolve({ services, error }));
      stream.on("end", () => resolve({ services }));
      stream.write({ list_services: "" });
    });
  } finally {
    client.close();
  }
}
