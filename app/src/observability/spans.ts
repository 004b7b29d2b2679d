// The proxy's spans and their attributes, named by the OpenTelemetry semantic conventions for RPC and databases.
// Spans come from the API's global tracer: a no-op until tracing starts (observability/tracing.ts), so every
// caller can make spans unconditionally at the cost of a few object allocations.
import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  TraceFlags,
  trace,
} from "@opentelemetry/api";

const tracer = trace.getTracer("informix-grpc-proxy");

/** Reads W3C traceparent/tracestate (and baggage) from gRPC metadata: one value per key, as the spec wants. */
export interface MetadataLike {
  get(key: string): Array<string | Buffer>;
  getMap(): Record<string, string | Buffer>;
}

const metadataGetter: TextMapGetter<MetadataLike> = {
  keys: (carrier) => Object.keys(carrier.getMap()),
  get: (carrier, key) => {
    const values = carrier.get(key).filter((v): v is string => typeof v === "string");
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
  },
};

/** gRPC codes that make a server span an error (semantic conventions for gRPC, server side). */
const SERVER_ERROR_CODES = new Set([2, 4, 12, 13, 14, 15]); // UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS

export interface ServerSpan {
  span: Span;
  /** The context handlers and interceptors run in: the client's trace, this span active. */
  context: Context;
}

export function startServerSpan(service: string, method: string, metadata: MetadataLike): ServerSpan {
  const parent = propagation.extract(ROOT_CONTEXT, metadata, metadataGetter);
  const span = tracer.startSpan(
    `${service}/${method}`,
    { kind: SpanKind.SERVER, attributes: { "rpc.system": "grpc", "rpc.service": service, "rpc.method": method } },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

export function endServerSpan(span: Span, code: number, codeName: string, database: string | undefined): void {
  span.setAttribute("rpc.grpc.status_code", code);
  if (database !== undefined) span.setAttribute("db.namespace", database);
  if (SERVER_ERROR_CODES.has(code)) span.setStatus({ code: SpanStatusCode.ERROR, message: codeName });
  span.end();
}

/** trace_id and span_id of a span, for a log line written outside its context. */
export function traceIds(span: Span | undefined): { trace_id: string; span_id: string } | Record<string, never> {
  // Sampled rather than isRecording(): the line is written after the span has ended.
  const ids = span?.spanContext();
  if (!ids || (ids.traceFlags & TraceFlags.SAMPLED) === 0) return {};
  return { trace_id: ids.traceId, span_id: ids.spanId };
}

/** Runs work in a child span of the active one; a failure marks the span with its error type, never its message
 * (database messages can quote parameter values). */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  options: { kind?: SpanKind; errorType?: (error: unknown) => string } = {},
): Promise<T> {
  const errorType = options.errorType ?? ((error: unknown) => (error instanceof Error ? error.name : "error"));
  return tracer.startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      const type = errorType(error);
      span.setAttribute("error.type", type);
      span.setStatus({ code: SpanStatusCode.ERROR, message: type });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Runs fn with ctx as the active context (log lines and child spans find the call's span). */
export function runInContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}

/** OpenTelemetry's db.system.name values for the proxy's drivers. */
export function dbSystemName(driver: string): string {
  return driver === "postgres" ? "postgresql" : driver;
}

export { SpanKind };

export function activeSpan(): Span | undefined {
  return trace.getActiveSpan();
}
