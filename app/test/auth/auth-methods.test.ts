// Proxies with one authentication method each: a credential for a method that is not enabled is invalid,
// the missing-credentials message names only the enabled methods, an unreachable identity provider is
// UNAVAILABLE, and reflection can be opened explicitly.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { credentials, loadPackageDefinition, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/auth/api-key-authenticator.js";
import { generateApiKey } from "../../src/cli/hash-key-command.js";
import type { ExecuteResponse, SqlServiceClient } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { call, clientWithMetadata, execRequest, expectStatus } from "../support/grpc-client.js";
import { type JwksServer, type SigningKey, startJwksServer } from "../support/jwks-server.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

const ROLES = { reader: { databases: { "*": { allow: ["read"] } } } };

const clientWith = (address: string, authorization?: string) =>
  clientWithMetadata(address, authorization === undefined ? {} : { authorization });

const select1 = (client: SqlServiceClient) =>
  call<unknown, ExecuteResponse>(client, "execute", execRequest({ sql: "SELECT 1" }));

async function listServices(address: string): Promise<{ services: string[]; error?: ServiceError }> {
  const require = createRequire(import.meta.url);
  const protoDir = join(dirname(require.resolve("@grpc/reflection/package.json")), "build", "proto");
  const definition = loadSync("grpc/reflection/v1/reflection.proto", {
    includeDirs: [protoDir],
    keepCase: true,
    oneofs: true,
  });
  // biome-ignore lint/suspicious/noExplicitAny: dynamic client from proto-loader
  const pkg = loadPackageDefinition(definition) as any;
  const client = new pkg.grpc.reflection.v1.ServerReflection(address, credentials.createInsecure());
  try {
    return await new Promise((resolve) => {
      const services: string[] = [];
      const stream = client.ServerReflectionInfo(new Metadata());
      stream.on("data", (m: { list_services_response?: { service: { name: string }[] } }) => {
        for (const s of m.list_services_response?.service ?? []) services.push(s.name);
        stream.end();
      });
      stream.on("error", (error: ServiceError) => resolve({ services, error }));
      stream.on("end", () => resolve({ services }));
      stream.write({ list_services: "" });
    });
  } finally {
    client.close();
  }
}

describe("API keys only", () => {
  const key = generateApiKey();
  let t: TestProxy;
  let jwks: JwksServer;
  beforeAll(async () => {
    jwks = await startJwksServer();
    t = await startTestProxy("sqlite", {
      configPatch: {
        auth: { apiKeys: [{ name: "svc", sha256: sha256Hex(key), roles: ["reader"] }], anonymousReflection: true },
        roles: ROLES,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await jwks?.close();
  });

  it("a valid JWT is not an API key: invalid credentials", async () => {
    const { error } = await expectStatus(
      select1(clientWith(t.address, `Bearer ${await jwks.sign()}`)),
      status.UNAUTHENTICATED,
      "UNAUTHENTICATED",
    );
    expect(error.details).toBe("invalid credentials");
  });

  it("the missing-credentials message names API keys only", async () => {
    const { error } = await expectStatus(select1(clientWith(t.address)), status.UNAUTHENTICATED);
    expect(error.details).toBe("missing credentials: send 'authorization: Bearer <API key>'");
    await select1(clientWith(t.address, `Bearer ${key}`));
  });

  it("auth.anonymousReflection: true serves reflection without credentials", async () => {
    const { services, error } = await listServices(t.address);
    expect(error).toBeUndefined();
    expect(services).toContain("informix.proxy.v1.SqlService");
  });
});

describe("JWT only", () => {
  let t: TestProxy;
  let jwks: JwksServer;
  let es: SigningKey;
  beforeAll(async () => {
    jwks = await startJwksServer();
    // Published before the proxy's first fetch, so only the algorithm allow-list can refuse it.
    es = await jwks.newKey("ES256");
    jwks.publishRaw(es.publicJwk);
    t = await startTestProxy("sqlite", {
      configPatch: {
        auth: { jwt: { jwksUrl: jwks.url, issuer: jwks.issuer, audience: jwks.audience, algorithms: ["RS256"] } },
        roles: ROLES,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await jwks?.close();
  });

  it("an opaque bearer token is invalid, and the message names JWTs only", async () => {
    const { error } = await expectStatus(
      select1(clientWith(t.address, `Bearer ${generateApiKey()}`)),
      status.UNAUTHENTICATED,
    );
    expect(error.details).toBe("invalid credentials");
    const missing = await expectStatus(select1(clientWith(t.address)), status.UNAUTHENTICATED);
    expect(missing.error.details).toBe("missing credentials: send 'authorization: Bearer <JWT>'");
    await select1(clientWith(t.address, `Bearer ${await jwks.sign({ roles: ["reader"] })}`));
  });

  it("an algorithm outside the configured allow-list (ES256 here) is refused even with a published key", async () => {
    const { error } = await expectStatus(
      select1(clientWith(t.address, `Bearer ${await jwks.sign({ roles: ["reader"] }, { key: es })}`)),
      status.UNAUTHENTICATED,
    );
    expect(error.details).toBe("invalid credentials");
  });
});

describe("JWT with an unreachable identity provider", () => {
  let t: TestProxy;
  let jwks: JwksServer;
  beforeAll(async () => {
    jwks = await startJwksServer();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    t = await startTestProxy("sqlite", {
      configPatch: {
        auth: {
          jwt: {
            jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
            issuer: jwks.issuer,
            audience: jwks.audience,
            jwksTimeoutMs: 500,
          },
        },
        roles: ROLES,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await jwks?.close();
  });

  it("is UNAVAILABLE with a retry hint, not UNAUTHENTICATED", async () => {
    const { retryInfo } = await expectStatus(
      select1(clientWith(t.address, `Bearer ${await jwks.sign({ roles: ["reader"] })}`)),
      status.UNAVAILABLE,
      "JWKS_UNAVAILABLE",
    );
    expect(retryInfo).toBeDefined();
  });
});
