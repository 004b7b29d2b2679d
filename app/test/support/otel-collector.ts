// A real OpenTelemetry Collector (OTLP receiver over gRPC and HTTP, file exporter), built by .ci/otelcol.sh with the
// collector's own builder and cached under ~/.cache/informix-grpc-proxy/. Spans land as OTLP JSON lines in a file
// the test reads back.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../../../.ci/otelcol.sh", import.meta.url));

export interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string; boolValue?: boolean; doubleValue?: number };
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
  events?: { name: string; attributes?: OtlpAttribute[] }[];
  status?: { code?: number; message?: string };
  resource: Record<string, unknown>;
}

export interface Collector {
  grpcEndpoint: string;
  httpEndpoint: string;
  /** Every span received so far, with its resource's attributes. */
  spans(): OtlpSpan[];
  /** The raw exported text (for "no parameter value anywhere" checks). */
  text(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Builds the collector on first use (minutes), then answers from the cache. */
export function collectorBinary(): string {
  const result = spawnSync("bash", [SCRIPT], { encoding: "utf8", timeout: 20 * 60_000 });
  const binary = result.stdout.trim().split("\n").at(-1) ?? "";
  if (result.status !== 0 || !existsSync(binary)) {
    throw new Error(`building the OpenTelemetry Collector failed (bash .ci/otelcol.sh): ${result.stderr}`);
  }
  return binary;
}

export function attributesOf(attributes: OtlpAttribute[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of attributes ?? []) {
    out[key] =
      value.stringValue ??
      (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue));
  }
  return out;
}

export async function startCollector(dir: string): Promise<Collector> {
  const binary = collectorBinary();
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  const output = join(dir, "traces.jsonl");
  const config = join(dir, "otelcol.yaml");
  writeFileSync(
    config,
    [
      "receivers:",
      "  otlp:",
      "    protocols:",
      `      grpc: { endpoint: "127.0.0.1:${grpcPort}" }`,
      `      http: { endpoint: "127.0.0.1:${httpPort}" }`,
      "exporters:",
      "  file:",
      `    path: ${output}`,
      "    flush_interval: 100ms",
      "service:",
      "  telemetry:",
      "    metrics: { level: none }",
      "    logs: { level: info }",
      "  pipelines:",
      "    traces: { receivers: [otlp], exporters: [file] }",
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(binary, ["--config", config], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collector not ready within 30 s: ${log}`)), 30_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("Everything is ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`collector exited ${code}: ${log}`));
    });
  });
  const text = () => (existsSync(output) ? readFileSync(output, "utf8") : "");
  return {
    grpcEndpoint: `http://127.0.0.1:${grpcPort}`,
    httpEndpoint: `http://127.0.0.1:${httpPort}`,
    text,
    spans() {
      const spans: OtlpSpan[] = [];
      for (const line of text().split("\n")) {
        if (!line.trim()) continue;
        const data = JSON.parse(line) as {
          resourceSpans: {
            resource?: { attributes?: OtlpAttribute[] };
            scopeSpans: { spans: Omit<OtlpSpan, "resource">[] }[];
          }[];
        };
        for (const rs of data.resourceSpans) {
          const resource = attributesOf(rs.resource?.attributes);
          for (const ss of rs.scopeSpans) for (const span of ss.spans) spans.push({ ...span, resource });
        }
      }
      return spans;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
