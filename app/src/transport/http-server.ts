// The HTTP side port: /metrics (Prometheus), /healthz (the process is alive), /readyz (every configured
// database answers; 503 with a JSON body naming the ones that failed).
import { createServer, type Server } from "node:http";
import type { DatabaseRegistry } from "../db/database-registry.js";
import type { Metrics } from "../observability/metrics.js";
import { checkDatabases } from "./readiness.js";

export interface HttpServerOptions {
  metrics: Metrics;
  databases: DatabaseRegistry;
  readinessTimeoutMs: number;
  isDraining: () => boolean;
}

export function createHttpServer(options: HttpServerOptions): Server {
  return createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "GET" && req.method !== "HEAD") return json(405, { error: "method not allowed" });
    if (path === "/healthz") return json(200, { status: "ok" });
    if (path === "/readyz") {
      if (options.isDraining()) return json(503, { status: "draining", databases: [] });
      void checkDatabases(options.databases, options.readinessTimeoutMs).then((checks) => {
        const ok = checks.every((c) => c.ok);
        json(ok ? 200 : 503, { status: ok ? "ready" : "not ready", databases: checks });
      });
      return;
    }
    if (path === "/metrics") {
      void options.metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": options.metrics.registry.contentType });
          res.end(text);
        },
        () => json(500, { error: "metrics collection failed" }),
      );
      return;
    }
    json(404, { error: "not found", paths: ["/healthz", "/readyz", "/metrics"] });
  });
}

export function listenHttp(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}
