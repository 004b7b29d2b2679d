// The HTTP side port: /metrics (Prometheus), /healthz (liveness: the process works; never a database),
// /readyz (readiness of the proxy, with every database's state in the body) and /readyz/<database> (one
// database). Readiness answers from DatabaseHealth's state at once: it runs no query of its own, so it cannot
// hang on a database or wait for a pool slot. See docs/health.md for what an orchestrator should probe.
import { createServer, type Server } from "node:http";
import type { DatabaseHealth } from "../db/database-health.js";
import type { Metrics } from "../observability/metrics.js";
import { readinessReport } from "./readiness.js";

export interface HttpServerOptions {
  metrics: Metrics;
  health: DatabaseHealth;
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
      const report = readinessReport(options.health, options.isDraining());
      return json(report.ready ? 200 : 503, { status: report.status, databases: report.databases });
    }
    if (path?.startsWith("/readyz/")) {
      const state = options.health.get(decodedOrEmpty(path.slice("/readyz/".length)));
      if (!state) return json(404, { error: "no such database" });
      const draining = options.isDraining();
      const ready = state.ready && !draining;
      return json(ready ? 200 : 503, { status: draining ? "draining" : ready ? "ready" : "not ready", ...state });
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
    json(404, { error: "not found", paths: ["/healthz", "/readyz", "/readyz/<database>", "/metrics"] });
  });
}

/** A malformed escape (%zz) names no database instead of throwing out of the request handler. */
function decodedOrEmpty(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return "";
  }
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
