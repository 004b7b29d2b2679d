// The live /metrics of a running proxy (TLS on, a workload run, a leak detected) passes `promtool check metrics`,
// and carries the series on-call alerts read: database up per database, certificate expiry, audit drops, leaks.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { credentials } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqlServiceClient } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { createCa, issueServerCert, writePems } from "../support/certs.js";
import { runPromtool } from "../support/promtool.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";
import { runWorkload } from "../support/workload.js";

describe("live /metrics", () => {
  const notAfter = new Date(Math.floor(Date.now() / 1000 + 10 * 86_400) * 1000);
  let t: TestProxy;
  let text: string;
  let certDir: string;
  beforeAll(async () => {
    const ca = await createCa("metrics test CA");
    const server = await issueServerCert(ca, { dns: ["localhost"], ip: ["127.0.0.1"], notAfter });
    const { dir, paths } = writePems({ "server.crt": server.certPem, "server.key": server.keyPem });
    certDir = dir;
    t = await startTestProxy("sqlite", {
      pool: { leakDetectionThresholdMs: 10 },
      configPatch: {
        server: { tls: { cert: { file: paths["server.crt"] }, key: { file: paths["server.key"] } } },
        audit: { enabled: true, destination: { file: `${dir}/audit.jsonl` } },
        sessions: { maxTotal: 42 },
      },
    });
    const client = new SqlServiceClient(t.address, credentials.createSsl(Buffer.from(ca.certPem)), {
      "grpc.ssl_target_name_override": "localhost",
    });
    await runWorkload(client, { marker: `M${randomBytes(4).toString("hex")}` });
    client.close();
    // The readiness loop runs every 200 ms in tests: wait for a check after the start.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const response = await fetch(`http://127.0.0.1:${t.proxy.httpPort}/metrics`);
    text = await response.text();
  });
  afterAll(async () => {
    await t?.close();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  it("passes promtool check metrics", () => {
    const { code, output } = runPromtool(["check", "metrics"], text);
    expect(output).toBe("");
    expect(code).toBe(0);
  });

  it("has no gauge whose name ends in _total", () => {
    const gauges = [...text.matchAll(/^# TYPE (\S+) gauge$/gm)].map((m) => m[1]);
    expect(gauges.length).toBeGreaterThan(10);
    expect(gauges.filter((name) => name?.endsWith("_total"))).toEqual([]);
  });

  it("says the database is up, when the certificate expires, and the session ceiling", () => {
    expect(text).toMatch(/^proxy_database_up\{database="main"\} 1$/m);
    expect(text).toContain(
      `proxy_tls_certificate_expiry_timestamp_seconds{certificate="server"} ${notAfter.getTime() / 1000}`,
    );
    expect(text).toMatch(/^proxy_sessions_limit 42$/m);
  });

  it("counts the leak and exposes audit drops at zero", () => {
    expect(text).toMatch(/^db_pool_leaks_total\{database="main"\} [1-9]/m);
    expect(text).toMatch(/^proxy_audit_records_dropped_total\{reason="buffer_full"\} 0$/m);
    expect(text).toMatch(/^proxy_audit_records_written_total [1-9]/m);
  });
});
