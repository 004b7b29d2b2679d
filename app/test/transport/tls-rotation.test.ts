// Certificate rotation without restart. End to end through the proxy: replace the files, wait for the reload,
// and a new connection gets the new certificate while an established one keeps working. Then the reload rules
// on a bare grpc-js server driven by reload() (no timer): a rotation caught midway (new certificate, old key)
// keeps the current certificate, secret references load, and bad material fails the start with a safe message.
import { rmSync } from "node:fs";
import { checkServerIdentity, type PeerCertificate, connect as tlsConnect } from "node:tls";
import { credentials, Server } from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TlsConfig } from "../../src/config/security-schema.js";
import { SqlServiceClient } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { createLogger } from "../../src/observability/logger.js";
import { bindGrpc } from "../../src/transport/grpc-server.js";
import { createServerTls, type ServerTls } from "../../src/transport/tls/server-tls.js";
import { type CertificateAuthority, createCa, issueServerCert, writePems } from "../support/certs.js";
import { call } from "../support/grpc-client.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

const NAMES = { dns: ["localhost"], ip: ["127.0.0.1"] };

function tlsClient(address: string, caPem: string, seen: string[]): SqlServiceClient {
  const creds = credentials.createSsl(Buffer.from(caPem), null, null, {
    checkServerIdentity: (host: string, cert: PeerCertificate) => {
      seen.push(cert.fingerprint256);
      return checkServerIdentity(host, cert);
    },
  });
  return new SqlServiceClient(address, creds, { "grpc.use_local_subchannel_pool": 1 });
}

/** Fingerprint of the certificate a new TLS connection is served. */
function servedFingerprint(port: number, caPem: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, servername: "localhost", ALPNProtocols: ["h2"], ca: caPem });
    socket.once("secureConnect", () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.destroy();
    });
    socket.once("error", reject);
  });
}

describe("rotation through the proxy", () => {
  let ca: CertificateAuthority;
  let dir: string;
  let t: TestProxy;
  let first: Awaited<ReturnType<typeof issueServerCert>>;
  beforeAll(async () => {
    ca = await createCa("Rotation CA");
    first = await issueServerCert(ca, NAMES);
    const written = writePems({ "tls.crt": first.certPem, "tls.key": first.keyPem });
    dir = written.dir;
    t = await startTestProxy("sqlite", {
      configPatch: {
        server: {
          tls: {
            cert: { file: written.paths["tls.crt"] },
            key: { file: written.paths["tls.key"] },
            reloadCheckMs: 200,
          },
        },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("serves the new certificate to new connections after the files change; open connections keep working", async () => {
    const seenBefore: string[] = [];
    const established = tlsClient(t.address, ca.certPem, seenBefore);
    try {
      await call(established, "ping", { database: "" });
      expect(seenBefore).toEqual([first.fingerprint256]);

      const second = await issueServerCert(ca, NAMES);
      writePems({ "tls.crt": second.certPem, "tls.key": second.keyPem }, dir);

      const seen: string[] = [];
      await expect
        .poll(
          async () => {
            const fresh = tlsClient(t.address, ca.certPem, seen);
            try {
              await call(fresh, "ping", { database: "" });
            } finally {
              fresh.close();
            }
            return seen.at(-1);
          },
          { timeout: 20_000, interval: 200 },
        )
        .toBe(second.fingerprint256);

      // The connection opened before the rotation was not dropped: same handshake, still answering.
      await call(established, "ping", { database: "" });
      expect(seenBefore).toEqual([first.fingerprint256]);
    } finally {
      established.close();
    }
  });
});

describe("reload rules (bare gRPC server, reload() called directly)", () => {
  let ca: CertificateAuthority;
  let server: Server | undefined;
  let serverTls: ServerTls | undefined;
  const dirs: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger("info", { write: (line: string) => void logs.push(JSON.parse(line)) });

  beforeAll(async () => {
    ca = await createCa("Reload rules CA");
  });
  afterEach(() => {
    serverTls?.close();
    server?.forceShutdown();
    server = undefined;
    serverTls = undefined;
    logs.length = 0;
  });
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function serve(config: TlsConfig): Promise<number> {
    serverTls = await createServerTls(config, { logger, env: {} });
    server = new Server();
    new HealthImplementation({ "": "SERVING" }).addToServer(server);
    return bindGrpc(server, "127.0.0.1", 0, serverTls.credentials);
  }

  const tlsConfig = (paths: { cert: string; key: string }, extra: Partial<TlsConfig> = {}): TlsConfig => ({
    cert: { file: paths.cert },
    key: { file: paths.key },
    requireClientCert: true,
    minVersion: "TLSv1.2",
    reloadCheckMs: 600_000, // the timer stays out of the way; the test calls reload()
    ...extra,
  });

  it("keeps the current certificate while a rotation is half done, then switches when the key arrives", async () => {
    const first = await issueServerCert(ca, NAMES);
    const { dir, paths } = writePems({ cert: first.certPem, key: first.keyPem });
    dirs.push(dir);
    const port = await serve(tlsConfig(paths));
    expect(await servedFingerprint(port, ca.certPem)).toBe(first.fingerprint256);
    expect(await serverTls?.reload()).toBe("unchanged");

    const second = await issueServerCert(ca, NAMES);
    writePems({ cert: second.certPem }, dir); // the new certificate, still the old key
    expect(await serverTls?.reload()).toBe("failed");
    expect(await serverTls?.reload()).toBe("failed");
    expect(await servedFingerprint(port, ca.certPem)).toBe(first.fingerprint256);
    const failures = logs.filter((l) => l.msg === "TLS reload failed; keeping the current certificate");
    expect(failures).toHaveLength(1); // once per distinct problem, not once per check
    expect(String(failures[0]?.error)).toMatch(/does not belong to certificate/);

    writePems({ key: second.keyPem }, dir);
    expect(await serverTls?.reload()).toBe("reloaded");
    expect(await servedFingerprint(port, ca.certPem)).toBe(second.fingerprint256);
    const reloaded = logs.find((l) => l.msg === "TLS certificate reloaded");
    expect(reloaded?.fingerprint256).toBe(second.fingerprint256);
    expect(reloaded?.previousFingerprint256).toBe(first.fingerprint256);
    expect(serverTls?.current().fingerprint256).toBe(second.fingerprint256);
  });

  it("keeps serving when the files disappear for a moment", async () => {
    const first = await issueServerCert(ca, NAMES);
    const { dir, paths } = writePems({ cert: first.certPem, key: first.keyPem });
    dirs.push(dir);
    const port = await serve(tlsConfig(paths));
    rmSync(paths.key);
    expect(await serverTls?.reload()).toBe("failed");
    expect(await servedFingerprint(port, ca.certPem)).toBe(first.fingerprint256);
  });

  it("loads certificate and key from secret references", async () => {
    const cert = await issueServerCert(ca, NAMES);
    const { dir, paths } = writePems({ cert: cert.certPem, key: cert.keyPem });
    dirs.push(dir);
    const port = await serve({
      ...tlsConfig(paths),
      cert: { secret: { file: paths.cert } },
      key: { secret: { file: paths.key } },
    });
    expect(await servedFingerprint(port, ca.certPem)).toBe(cert.fingerprint256);
  });

  it("refuses to start with a key of another certificate, naming the files and not the key", async () => {
    const a = await issueServerCert(ca, NAMES);
    const b = await issueServerCert(ca, NAMES);
    const { dir, paths } = writePems({ cert: a.certPem, key: b.keyPem, garbage: "not a pem\n" });
    dirs.push(dir);
    const error = await createServerTls(tlsConfig(paths), { logger, env: {} }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain(`does not belong to certificate { file: ${paths.cert} }`);
    expect(error?.message).not.toContain("PRIVATE KEY");
    await expect(
      createServerTls(tlsConfig({ cert: paths.garbage, key: paths.key }), { logger, env: {} }),
    ).rejects.toThrow(/holds no PEM certificate/);
    await expect(
      createServerTls(tlsConfig({ cert: paths.cert, key: paths.garbage }), { logger, env: {} }),
    ).rejects.toThrow(/is not a readable unencrypted PEM key/);
  });
});
