// Connection hygiene of the gRPC port with real sockets: silent connections are closed after the handshake
// timeout (plaintext and TLS) and the file descriptors come back, a client address past its cap is closed at
// once, a connection that does not speak HTTP/2 is closed, and real gRPC clients are served throughout.
import { readdirSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ExecuteResponse } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { createCa, issueServerCert, writePems } from "../support/certs.js";
import { call, execRequest, expectStatus, plain } from "../support/grpc-client.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

const HANDSHAKE_TIMEOUT_MS = 400;

function openFds(): number {
  return readdirSync("/proc/self/fd").length;
}

interface Raw {
  socket: Socket;
  /** Resolves when the server has closed the connection (end or reset). */
  closedByServer: Promise<void>;
}

function rawConnection(port: number, send?: string | Buffer): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const closedByServer = new Promise<void>((done) => {
      socket.once("end", () => done());
      socket.once("close", () => done());
    });
    socket.on("error", () => undefined);
    socket.once("connect", () => {
      if (send !== undefined) socket.write(send);
      resolve({ socket, closedByServer });
    });
    socket.once("error", reject);
  });
}

async function metric(t: TestProxy, name: string, labels: Record<string, string>): Promise<number> {
  const values = (await t.proxy.metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;
}

function selectOne(t: TestProxy) {
  return call<unknown, ExecuteResponse>(t.newClient(), "execute", execRequest({ sql: "SELECT 1 AS one" }), {
    deadline: Date.now() + 10_000,
  });
}

describe("the gRPC port's connection gate (plaintext)", () => {
  let t: TestProxy;
  beforeAll(async () => {
    t = await startTestProxy("sqlite", {
      configPatch: { server: { connections: { maxPerPeer: 300, handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS } } },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("closes silent connections after the handshake timeout and gives their file descriptors back", async () => {
    const before = openFds();
    const silent = await Promise.all(Array.from({ length: 200 }, () => rawConnection(t.proxy.grpcPort)));
    const during = openFds();
    // Meanwhile a real client is served.
    expect(plain((await selectOne(t)).rows[0]?.values[0])).toBe(1n);
    await Promise.all(silent.map((s) => s.closedByServer));
    for (const s of silent) s.socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const after = openFds();
    console.log(
      `file descriptors: ${before} before, ${during} with 200 silent sockets open, ${after} after the timeout`,
    );
    expect(await metric(t, "proxy_grpc_handshake_failures_total", { reason: "timeout" })).toBe(200);
    // Both ends of each socket lived in this process, so 200 leaked sockets would hold 400 descriptors. A few
    // others come and go meanwhile (the real client's channel, SQLite's standby worker, the pool), hence the slack.
    expect(during).toBeGreaterThan(before + 150);
    expect(after).toBeLessThanOrEqual(before + 25);
  });

  it("closes a connection that does not open with the HTTP/2 preface, at once", async () => {
    const http1 = await rawConnection(t.proxy.grpcPort, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await http1.closedByServer;
    http1.socket.destroy();
    expect(await metric(t, "proxy_grpc_handshake_failures_total", { reason: "not_http2" })).toBe(1);
  });

  it("closes a connection that sends the preface and its SETTINGS and then stalls", async () => {
    const settings = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
    const preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");
    const before = await metric(t, "proxy_grpc_handshake_failures_total", { reason: "timeout" });
    const stalled = await rawConnection(t.proxy.grpcPort, Buffer.concat([preface, settings]));
    stalled.socket.pause(); // never reads, never acknowledges the server's SETTINGS
    await vi.waitFor(
      async () =>
        expect(await metric(t, "proxy_grpc_handshake_failures_total", { reason: "timeout" })).toBe(before + 1),
      { timeout: 10_000, interval: 50 },
    );
    // Reading again, the client finds the connection closed by the proxy.
    stalled.socket.resume();
    await stalled.closedByServer;
    stalled.socket.destroy();
  });

  it("keeps a connection that sends the preface slowly, byte by byte, within the timeout", async () => {
    const preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");
    const raw = await rawConnection(t.proxy.grpcPort);
    let closed = false;
    void raw.closedByServer.then(() => {
      closed = true;
    });
    for (const byte of preface) {
      raw.socket.write(Buffer.from([byte]));
      await new Promise((r) => setTimeout(r, 5));
    }
    // Handed to grpc-js: its HTTP/2 server now owns the connection and answers with its SETTINGS frame.
    const settings = await new Promise<Buffer>((resolve) => raw.socket.once("data", resolve));
    expect(settings[3]).toBe(0x04); // frame type SETTINGS
    // Our SETTINGS, then the acknowledgement of the server's: the handshake is complete and the connection stays.
    raw.socket.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0]));
    await new Promise((r) => setTimeout(r, HANDSHAKE_TIMEOUT_MS * 2));
    expect(closed).toBe(false);
    raw.socket.destroy();
  });
});

describe("the gRPC port's connection gate: per-peer cap", () => {
  let t: TestProxy;
  beforeAll(async () => {
    t = await startTestProxy("sqlite", {
      configPatch: { server: { connections: { maxPerPeer: 20, handshakeTimeoutMs: 30_000 } } },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("closes connections beyond the cap of one address at once, and serves again below it", async () => {
    const held = await Promise.all(Array.from({ length: 20 }, () => rawConnection(t.proxy.grpcPort)));
    const extra = await Promise.all(Array.from({ length: 5 }, () => rawConnection(t.proxy.grpcPort)));
    await Promise.all(extra.map((s) => s.closedByServer));
    for (const s of extra) s.socket.destroy();
    expect(held.every((s) => !s.socket.destroyed && s.socket.readyState === "open")).toBe(true);
    expect(await metric(t, "proxy_grpc_connections_refused_total", { reason: "per_peer" })).toBe(5);
    // A gRPC client from the same address is refused too while the cap is taken.
    await expectStatus(
      call(t.newClient(), "ping", { database: "" }, { deadline: Date.now() + 3000 }),
      status.UNAVAILABLE,
    );
    for (const s of held) s.socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(plain((await selectOne(t)).rows[0]?.values[0])).toBe(1n);
  });
});

describe("the gRPC port's connection gate (TLS)", () => {
  let t: TestProxy;
  let dir: string;
  beforeAll(async () => {
    const ca = await createCa("gate CA");
    const server = await issueServerCert(ca, { dns: ["localhost"], ip: ["127.0.0.1"] });
    const pems = writePems({ "server.crt": server.certPem, "server.key": server.keyPem });
    dir = pems.dir;
    t = await startTestProxy("sqlite", {
      configPatch: {
        server: {
          tls: { cert: { file: pems.paths["server.crt"] }, key: { file: pems.paths["server.key"] } },
          connections: { handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS },
        },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("closes a connection whose TLS handshake does not finish within the timeout", async () => {
    const silent = await Promise.all(Array.from({ length: 20 }, () => rawConnection(t.proxy.grpcPort)));
    await Promise.all(silent.map((s) => s.closedByServer));
    for (const s of silent) s.socket.destroy();
    expect(silent).toHaveLength(20);
  });
});
