// mTLS end to end through a real grpc-js client: the proxy asks for client certificates signed by its client CA.
// Handshake rules (required, missing, foreign CA, optional mode) and the caller's identity taken from the
// certificate by the authentication interceptor (SAN URI / SPIFFE id and subject CN; unlisted -> UNAUTHENTICATED).
import { rmSync } from "node:fs";
import { credentials, Metadata, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/auth/api-key-authenticator.js";
import { generateApiKey } from "../../src/cli/hash-key-command.js";
import { SqlServiceClient } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { createLogger } from "../../src/observability/logger.js";
import {
  type CertificateAuthority,
  createCa,
  type IssuedCertificate,
  issueClientCert,
  issueServerCert,
  writePems,
} from "../support/certs.js";
import { call, execRequest, expectStatus } from "../support/grpc-client.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

const REPORTING = "spiffe://example.org/ns/prod/sa/reporting";
const DEADLINE_MS = 5000;

interface Pki {
  serverCa: CertificateAuthority;
  clientCa: CertificateAuthority;
  dir: string;
  tlsConfig(extra?: Record<string, unknown>): Record<string, unknown>;
}

async function pki(): Promise<Pki> {
  const serverCa = await createCa("mTLS server CA");
  const clientCa = await createCa("mTLS client CA");
  const server = await issueServerCert(serverCa, { dns: ["localhost"], ip: ["127.0.0.1"] });
  const { dir, paths } = writePems({
    "server.crt": server.certPem,
    "server.key": server.keyPem,
    "clients-ca.crt": clientCa.certPem,
  });
  return {
    serverCa,
    clientCa,
    dir,
    tlsConfig: (extra = {}) => ({
      cert: { file: paths["server.crt"] },
      key: { file: paths["server.key"] },
      clientCa: { file: paths["clients-ca.crt"] },
      ...extra,
    }),
  };
}

function mtlsClient(address: string, serverCa: CertificateAuthority, client?: IssuedCertificate): SqlServiceClient {
  const creds = credentials.createSsl(
    Buffer.from(serverCa.certPem),
    client ? Buffer.from(client.keyPem) : null,
    client ? Buffer.from(client.certPem) : null,
  );
  return new SqlServiceClient(address, creds, { "grpc.use_local_subchannel_pool": 1 });
}

async function ping(address: string, serverCa: CertificateAuthority, client?: IssuedCertificate): Promise<unknown> {
  const c = mtlsClient(address, serverCa, client);
  try {
    return await call(c, "ping", { database: "" }, { deadline: Date.now() + DEADLINE_MS });
  } finally {
    c.close();
  }
}

describe("mTLS handshake, client certificate required", () => {
  let p: Pki;
  let t: TestProxy;
  beforeAll(async () => {
    p = await pki();
    t = await startTestProxy("sqlite", { configPatch: { server: { tls: p.tlsConfig() } } });
  });
  afterAll(async () => {
    await t?.close();
    if (p) rmSync(p.dir, { recursive: true, force: true });
  });

  it("accepts a client certificate from the client CA and runs queries", async () => {
    const client = await issueClientCert(p.clientCa, { cn: "reporting", sanUri: REPORTING });
    const c = mtlsClient(t.address, p.serverCa, client);
    try {
      const result = await call<unknown, { rows: unknown[] }>(c, "execute", execRequest({ sql: "SELECT 1" }));
      expect(result.rows).toHaveLength(1);
    } finally {
      c.close();
    }
  });

  it("refuses a client without a certificate", async () => {
    await expectStatus(ping(t.address, p.serverCa), status.UNAVAILABLE);
  });

  it("refuses a client certificate signed by another CA (even with a listed-looking name)", async () => {
    const rogueCa = await createCa("mTLS client CA"); // same name, different key
    const rogue = await issueClientCert(rogueCa, { cn: "reporting", sanUri: REPORTING });
    await expectStatus(ping(t.address, p.serverCa, rogue), status.UNAVAILABLE);
  });

  it("refuses a client certificate signed by the server CA (trust is the client CA only)", async () => {
    const wrongCa = await issueClientCert(p.serverCa, { cn: "reporting", sanUri: REPORTING });
    await expectStatus(ping(t.address, p.serverCa, wrongCa), status.UNAVAILABLE);
  });

  it("refuses an expired client certificate from the right CA", async () => {
    const expired = await issueClientCert(p.clientCa, {
      cn: "reporting",
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    await expectStatus(ping(t.address, p.serverCa, expired), status.UNAVAILABLE);
  });
});

describe("mTLS handshake, client certificate optional", () => {
  let p: Pki;
  let t: TestProxy;
  let authenticated: TestProxy;
  beforeAll(async () => {
    p = await pki();
    t = await startTestProxy("sqlite", { configPatch: { server: { tls: p.tlsConfig({ requireClientCert: false }) } } });
    authenticated = await startTestProxy("sqlite", {
      configPatch: {
        server: { tls: p.tlsConfig({ requireClientCert: false }) },
        auth: { mtls: { identityFrom: "subject_cn", identities: { reporting: ["reader"] } } },
        roles: { reader: { databases: { "*": { allow: ["read"] } } } },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await authenticated?.close();
    if (p) rmSync(p.dir, { recursive: true, force: true });
  });

  it("accepts clients with and without a certificate", async () => {
    await ping(t.address, p.serverCa);
    await ping(t.address, p.serverCa, await issueClientCert(p.clientCa, { cn: "reporting" }));
  });

  it("with auth.mtls, a client without a certificate passes the handshake but is told to present one", async () => {
    const { error } = await expectStatus(ping(authenticated.address, p.serverCa), status.UNAUTHENTICATED);
    expect(error.details).toContain("present a client certificate");
    await ping(authenticated.address, p.serverCa, await issueClientCert(p.clientCa, { cn: "reporting" }));
  });
});

describe.each([
  { identityFrom: "san_uri", listed: REPORTING, unlisted: "spiffe://example.org/ns/prod/sa/intruder" },
  { identityFrom: "subject_cn", listed: "billing-service", unlisted: "intruder-service" },
] as const)("mTLS identity from $identityFrom", ({ identityFrom, listed, unlisted }) => {
  let p: Pki;
  let t: TestProxy;
  const logs: Record<string, unknown>[] = [];
  const certFor = (name: string) =>
    issueClientCert(
      p.clientCa,
      identityFrom === "san_uri"
        ? { cn: "workload", sanUri: name }
        : { cn: name, sanUri: "spiffe://example.org/other" },
    );

  beforeAll(async () => {
    p = await pki();
    t = await startTestProxy("sqlite", {
      configPatch: {
        server: { tls: p.tlsConfig() },
        auth: { mtls: { identityFrom, identities: { [listed]: ["reader"] } } },
        roles: { reader: { databases: { "*": { allow: ["read"] } } } },
      },
      logger: createLogger("info", { write: (line: string) => void logs.push(JSON.parse(line)) }),
    });
  });
  afterAll(async () => {
    await t?.close();
    if (p) rmSync(p.dir, { recursive: true, force: true });
  });

  it("names the caller mtls:<identity> with the configured roles", async () => {
    const c = mtlsClient(t.address, p.serverCa, await certFor(listed));
    try {
      await call(c, "execute", execRequest({ sql: "SELECT 1" }));
    } finally {
      c.close();
    }
    // The RPC log line names the caller the interceptor attached to the call.
    const line = logs.find(
      (l) => l.msg === "rpc" && l.method === "informix.proxy.v1.SqlService/Execute" && l.code === "OK",
    );
    expect(line?.caller).toBe(`mtls:${listed}`);
  });

  it("applies the roles mapped to the certificate: a reader may not write", async () => {
    const c = mtlsClient(t.address, p.serverCa, await certFor(listed));
    try {
      await expectStatus(
        call(c, "execute", execRequest({ sql: "DELETE FROM customer WHERE 1 = 0" })),
        status.PERMISSION_DENIED,
        "ROLE_DENIED",
      );
    } finally {
      c.close();
    }
  });

  it("refuses a verified certificate whose identity is not listed: UNAUTHENTICATED, reason only in the log", async () => {
    const { error } = await expectStatus(ping(t.address, p.serverCa, await certFor(unlisted)), status.UNAUTHENTICATED);
    expect(error.details).not.toContain(unlisted);
    const refused = logs.find((l) => l.msg === "authentication refused");
    expect(String(refused?.reason)).toContain("is not a configured identity");
  });
});

describe("mTLS identity and a bearer token on the same call", () => {
  let p: Pki;
  let t: TestProxy;
  const apiKey = generateApiKey();

  beforeAll(async () => {
    p = await pki();
    t = await startTestProxy("sqlite", {
      configPatch: {
        server: { tls: p.tlsConfig({ requireClientCert: false }) },
        auth: {
          apiKeys: [{ name: "writer-key", sha256: sha256Hex(apiKey), roles: ["writer"] }],
          mtls: { identities: { [REPORTING]: ["reader"] } },
        },
        roles: {
          reader: { databases: { "*": { allow: ["read"] } } },
          writer: { databases: { "*": { allow: ["read", "write"] } } },
        },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    if (p) rmSync(p.dir, { recursive: true, force: true });
  });

  /** A client presenting the certificate (if any) and the bearer token (if any). */
  function client(cert: IssuedCertificate | undefined, bearer: string | undefined): SqlServiceClient {
    const ssl = credentials.createSsl(
      Buffer.from(p.serverCa.certPem),
      cert ? Buffer.from(cert.keyPem) : null,
      cert ? Buffer.from(cert.certPem) : null,
    );
    const creds = bearer
      ? credentials.combineChannelCredentials(
          ssl,
          credentials.createFromMetadataGenerator((_params, callback) => {
            const metadata = new Metadata();
            metadata.add("authorization", `Bearer ${bearer}`);
            callback(null, metadata);
          }),
        )
      : ssl;
    return new SqlServiceClient(t.address, creds, { "grpc.use_local_subchannel_pool": 1 });
  }

  it("each credential alone authenticates; both together are UNAUTHENTICATED (whose roles would apply?)", async () => {
    const cert = await issueClientCert(p.clientCa, { cn: "workload", sanUri: REPORTING });
    for (const [c, expected] of [
      [client(cert, undefined), status.OK],
      [client(undefined, apiKey), status.OK],
      [client(cert, apiKey), status.UNAUTHENTICATED],
    ] as const) {
      try {
        const outcome = await call(c, "execute", execRequest({ sql: "SELECT 1" })).then(
          () => status.OK,
          (error: { code: number }) => error.code,
        );
        expect(outcome).toBe(expected);
      } finally {
        c.close();
      }
    }
  });
});
