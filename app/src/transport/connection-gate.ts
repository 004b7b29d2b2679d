// The gRPC port's own TCP listener, in front of grpc-js. grpc-js accepts every connection and keeps it for as
// long as the client likes, also one that never sends a byte (500 silent sockets kept 645 file descriptors
// open), and offers no hook on raw sockets. So the proxy listens itself, and hands each connection to grpc-js
// through its public connection injector (Server.createConnectionInjector) once it is acceptable:
// - at most maxPerPeer open connections from one client address, and maxTotal in all: beyond, closed at once;
// - plaintext: the client must send the HTTP/2 connection preface within handshakeTimeoutMs, and answer the
//   server's SETTINGS within handshakeTimeoutMs after that; anything else (silence, a stall after the preface,
//   HTTP/1.1, TLS on a plaintext port) is closed. The bytes read are put back for grpc-js;
// - TLS: grpc-js runs the handshake on the socket, bounded by the same timeout (Node's handshakeTimeout, set in
//   the server credentials: transport/tls/server-tls.ts), so the gate passes the socket on at once.
import { createServer, type Server as NetServer, type Socket } from "node:net";
import type { Server, ServerCredentials } from "@grpc/grpc-js";
import { Counter, Gauge, type Registry } from "prom-client";
import type { ConnectionsConfig } from "../config/limits-schema.js";
import type { Logger } from "../observability/logger.js";

const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

export interface ConnectionGate {
  readonly port: number;
  /** Open connections by client address (handed to grpc-js or still in their handshake). */
  openByPeer(): ReadonlyMap<string, number>;
  /** Stops accepting connections; the open ones are grpc-js's to drain. Idempotent. */
  stopAccepting(): Promise<void>;
  /** Also closes connections that have not finished their handshake. */
  close(): Promise<void>;
}

export interface ConnectionGateOptions {
  server: Server;
  host: string;
  port: number;
  credentials: ServerCredentials;
  config: ConnectionsConfig;
  logger: Logger;
  registry?: Registry;
}

/** "::ffff:10.0.0.1" and "10.0.0.1" are one client. */
function peerOf(socket: Socket): string {
  const address = socket.remoteAddress ?? "unknown";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

interface GateMetrics {
  refused(reason: "per_peer" | "total"): void;
  handshakeFailed(reason: "timeout" | "not_http2"): void;
}

function gateMetrics(registry: Registry | undefined, open: () => number): GateMetrics {
  if (!registry) return { refused: () => undefined, handshakeFailed: () => undefined };
  const refused = new Counter({
    name: "proxy_grpc_connections_refused_total",
    help: "TCP connections to the gRPC port closed at once: too many from one client address, or in all.",
    labelNames: ["reason"],
    registers: [registry],
  });
  const failed = new Counter({
    name: "proxy_grpc_handshake_failures_total",
    help: "Connections closed before their HTTP/2 handshake: silent past the timeout, or not HTTP/2 at all.",
    labelNames: ["reason"],
    registers: [registry],
  });
  new Gauge({
    name: "proxy_grpc_connections_open",
    help: "Open TCP connections on the gRPC port.",
    registers: [registry],
    collect() {
      this.set(open());
    },
  });
  return {
    refused: (reason) => refused.inc({ reason }),
    handshakeFailed: (reason) => failed.inc({ reason }),
  };
}

export async function listenGated(options: ConnectionGateOptions): Promise<ConnectionGate> {
  const { config, logger } = options;
  const injector = options.server.createConnectionInjector(options.credentials);
  const secure = options.credentials._isSecure();
  const byPeer = new Map<string, number>();
  const pending = new Set<Socket>();
  let total = 0;
  const metrics = gateMetrics(options.registry, () => total);

  const admit = (socket: Socket) => {
    const peer = peerOf(socket);
    const fromPeer = byPeer.get(peer) ?? 0;
    if ((config.maxTotal > 0 && total >= config.maxTotal) || (config.maxPerPeer > 0 && fromPeer >= config.maxPerPeer)) {
      const reason = config.maxTotal > 0 && total >= config.maxTotal ? "total" : "per_peer";
      metrics.refused(reason);
      logger.warn({ peer, open: fromPeer, reason }, "gRPC connection refused: too many open connections");
      socket.destroy();
      return;
    }
    total += 1;
    byPeer.set(peer, fromPeer + 1);
    socket.once("close", () => {
      total -= 1;
      const left = (byPeer.get(peer) ?? 1) - 1;
      if (left > 0) byPeer.set(peer, left);
      else byPeer.delete(peer);
    });
    // Resets and timeouts of client sockets are normal; without a listener they would be thrown.
    socket.on("error", () => undefined);
    socket.setNoDelay(true);
    if (secure) {
      injector.injectConnection(socket);
      return;
    }
    awaitPreface(socket, peer);
  };

  const awaitPreface = (socket: Socket, peer: string) => {
    pending.add(socket);
    const chunks: Buffer[] = [];
    let received = 0;
    const done = () => {
      clearTimeout(timer);
      socket.removeListener("data", onData);
      pending.delete(socket);
    };
    const timer = setTimeout(() => {
      done();
      metrics.handshakeFailed("timeout");
      logger.debug({ peer, received }, "gRPC connection closed: no HTTP/2 preface within the handshake timeout");
      socket.destroy();
    }, config.handshakeTimeoutMs);
    timer.unref();
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      const head = Buffer.concat(chunks);
      const compared = Math.min(head.length, HTTP2_PREFACE.length);
      if (!head.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared))) {
        done();
        metrics.handshakeFailed("not_http2");
        logger.debug({ peer }, "gRPC connection closed: not HTTP/2");
        socket.destroy();
        return;
      }
      if (head.length < HTTP2_PREFACE.length) return;
      done();
      // Node's HTTP/2 session reads what is buffered on the socket before its own reads.
      socket.pause();
      socket.unshift(head);
      const readBefore = socket.bytesRead;
      injector.injectConnection(socket);
      awaitSettingsAnswer(socket, peer, readBefore);
    };
    socket.on("data", onData);
    socket.once("close", done);
  };

  // grpc-js answers the preface with its SETTINGS, which every HTTP/2 client must acknowledge at once: a client
  // that sends nothing more (the socket's byte count, kept by the native handle HTTP/2 reads from, does not grow)
  // never completed the handshake.
  const awaitSettingsAnswer = (socket: Socket, peer: string, readBefore: number) => {
    const timer = setTimeout(() => {
      if (socket.destroyed || socket.bytesRead > readBefore) return;
      metrics.handshakeFailed("timeout");
      logger.debug({ peer }, "gRPC connection closed: its HTTP/2 handshake stalled after the preface");
      socket.destroy();
    }, config.handshakeTimeoutMs);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  };

  const listener: NetServer = createServer(admit);
  const port = await new Promise<number>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(options.port, options.host, () => {
      listener.off("error", reject);
      const address = listener.address();
      resolve(typeof address === "object" && address ? address.port : options.port);
    });
  });

  let stopped: Promise<void> | undefined;
  const stopAccepting = () => {
    stopped ??= new Promise<void>((resolve) => listener.close(() => resolve()));
    return stopped;
  };
  return {
    port,
    openByPeer: () => byPeer,
    stopAccepting,
    async close() {
      const closing = stopAccepting();
      for (const socket of pending) socket.destroy();
      injector.destroy();
      await closing;
    },
  };
}
