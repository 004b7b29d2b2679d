// pino JSON logger. Parameter values, SQL parameters and credentials are never logged: the redact list is a
// second line of defence for fields that must never be passed to the logger in the first place.
// Every line written while a call's span is active carries its trace_id and span_id, and a line never repeats a key
// (pino appends a child's bindings and the call's fields without merging them; some log pipelines reject the result).
import { context, isSpanContextValid, trace } from "@opentelemetry/api";
import { type DestinationStream, type Logger, type LoggerOptions, pino } from "pino";

export type { Logger } from "pino";

export const REDACTED_PATHS = [
  "password",
  "*.password",
  "params",
  "*.params",
  "authorization",
  "*.authorization",
  "secret",
  "*.secret",
  "connectionString",
  "*.connectionString",
];

/** The keys each logger has bound (its own and its ancestors'), read once per logger. */
const boundKeys = new WeakMap<Logger, Set<string>>();

function keysBoundTo(logger: Logger): Set<string> {
  let keys = boundKeys.get(logger);
  if (!keys) {
    keys = new Set(Object.keys(logger.bindings()));
    boundKeys.set(logger, keys);
  }
  return keys;
}

/** The fields of a log call without the keys the logger already binds: the bound value names the same thing. */
function withoutBoundKeys(logger: Logger, fields: object): object {
  const bound = keysBoundTo(logger);
  if (bound.size === 0) return fields;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(fields)) {
    if (!bound.has(key)) continue;
    copy ??= { ...(fields as Record<string, unknown>) };
    delete copy[key];
  }
  return copy ?? fields;
}

/** trace_id and span_id of the span active where the line is written (none outside a call or with tracing off). */
function traceFields(): Record<string, string> {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: "informix-grpc-proxy" },
    redact: { paths: REDACTED_PATHS, censor: "<redacted>" },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: traceFields,
    hooks: {
      logMethod(args, method) {
        const [first] = args;
        if (typeof first === "object" && first !== null && !(first instanceof Error)) {
          args[0] = withoutBoundKeys(this, first);
        }
        return method.apply(this, args);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
