// Starts OpenTelemetry tracing with @opentelemetry/sdk-node: OTLP over gRPC or HTTP, W3C trace context and baggage
// propagation (OTEL_PROPAGATORS), the AsyncLocalStorage context manager that lets log lines find their call's span,
// a parent-based ratio sampler, and a bounded, counted export queue so a slow or absent collector costs spans,
// never call latency. No auto-instrumentation: the proxy makes its own spans (observability/spans.ts).
import { context, diag, propagation, trace } from "@opentelemetry/api";
import { OTLPTraceExporter as GrpcTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPTraceExporter as HttpProtoTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { ParentBasedSampler, type SpanExporter, TraceIdRatioBasedSampler } from "@opentelemetry/sdk-trace";
import { Counter, type Registry } from "prom-client";
import { CountedSpanQueue, type SpanDropReason } from "./counted-span-queue.js";
import type { Logger } from "./logger.js";

/** The tracing section of the configuration (config/tracing-schema.ts), as this module reads it. */
export interface TracingOptions {
  enabled?: boolean | undefined;
  endpoint?: string | undefined;
  protocol: "grpc" | "http/protobuf";
  serviceName: string;
  sampleRatio: number;
  maxQueueSize: number;
  exportTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

export interface Tracing {
  readonly enabled: boolean;
  /** What the exporter was pointed at, for the start-up log line (no credentials: OTLP headers are not shown). */
  readonly summary: Record<string, string | number>;
  /** Exports what is queued (bounded by the export timeout) and unregisters the global tracer. */
  shutdown(): Promise<void>;
}

const set = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);

/** Whether tracing runs: OTEL_SDK_DISABLED wins, then tracing.enabled, then an OTLP endpoint in the environment. */
export function tracingEnabled(options: TracingOptions, env: Env): boolean {
  if (set(env.OTEL_SDK_DISABLED)?.toLowerCase() === "true") return false;
  if (options.enabled !== undefined) return options.enabled;
  return (
    set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) !== undefined || set(env.OTEL_EXPORTER_OTLP_ENDPOINT) !== undefined
  );
}

/** The OTLP transport: the environment's (traces-specific first), else the configuration's. */
export function tracingProtocol(options: TracingOptions, env: Env): "grpc" | "http/protobuf" {
  const fromEnv = set(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ?? set(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  if (fromEnv === "grpc" || fromEnv === "http/protobuf") return fromEnv;
  return options.protocol;
}

function createExporter(options: TracingOptions, env: Env, protocol: "grpc" | "http/protobuf"): SpanExporter {
  // The exporters read OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and _HEADERS themselves; a url passed here would win,
  // so the configured endpoint is passed only when the environment names none.
  const envEndpoint = set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ?? set(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const base = envEndpoint === undefined ? options.endpoint?.replace(/\/+$/, "") : undefined;
  const timeoutMillis = options.exportTimeoutMs;
  if (protocol === "grpc") return new GrpcTraceExporter({ timeoutMillis, ...(base ? { url: base } : {}) });
  return new HttpProtoTraceExporter({ timeoutMillis, ...(base ? { url: `${base}/v1/traces` } : {}) });
}

export const TRACING_OFF: Tracing = { enabled: false, summary: {}, shutdown: async () => {} };

export function startTracing(options: TracingOptions, deps: { env: Env; registry: Registry; logger: Logger }): Tracing {
  const { env, registry, logger } = deps;
  const exported = new Counter({
    name: "proxy_trace_spans_exported_total",
    help: "Spans the OTLP exporter delivered to the collector.",
    registers: [registry],
  });
  const dropped = new Counter({
    name: "proxy_trace_spans_dropped_total",
    help: "Spans lost: queue_full (collector slow or down, the bounded queue was full), export_failed (rejected or unreachable).",
    labelNames: ["reason"],
    registers: [registry],
  });
  for (const reason of ["queue_full", "export_failed"] satisfies SpanDropReason[]) dropped.inc({ reason }, 0);
  if (!tracingEnabled(options, env)) return { ...TRACING_OFF };

  const protocol = tracingProtocol(options, env);
  // The SDK's own diagnostics (export errors, retries) go to our log, rate-limited by the SDK, at warn and above.
  diag.setLogger(
    {
      error: (message) => logger.warn({ component: "tracing" }, `opentelemetry: ${message}`),
      warn: (message) => logger.warn({ component: "tracing" }, `opentelemetry: ${message}`),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    { suppressOverrideMessage: true },
  );
  const queue = new CountedSpanQueue({
    exporter: createExporter(options, env, protocol),
    maxQueueSize: options.maxQueueSize,
    maxExportBatchSize: 512,
    scheduledDelayMs: 1000,
    exportTimeoutMs: options.exportTimeoutMs,
    onExported: (spans) => exported.inc(spans),
    onDropped: (reason, spans) => dropped.inc({ reason }, spans),
  });
  const samplerFromEnv = set(env.OTEL_TRACES_SAMPLER) !== undefined;
  const sdk = new NodeSDK({
    ...(set(env.OTEL_SERVICE_NAME) === undefined ? { serviceName: options.serviceName } : {}),
    spanProcessors: [queue],
    ...(samplerFromEnv
      ? {}
      : { sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }) }),
    // Traces only: metrics stay on /metrics (Prometheus), logs on stdout.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  const summary = {
    protocol,
    endpoint:
      set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ??
      set(env.OTEL_EXPORTER_OTLP_ENDPOINT) ??
      options.endpoint ??
      "default",
    sampler: samplerFromEnv
      ? `${env.OTEL_TRACES_SAMPLER}(${env.OTEL_TRACES_SAMPLER_ARG ?? ""})`
      : `parentbased_traceidratio(${options.sampleRatio})`,
    maxQueueSize: options.maxQueueSize,
  };
  return {
    enabled: true,
    summary,
    async shutdown() {
      // Bounded: a collector that is down must not hold the process past its drain.
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, options.exportTimeoutMs).unref());
      await Promise.race([sdk.shutdown().catch(() => undefined), timeout]);
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
