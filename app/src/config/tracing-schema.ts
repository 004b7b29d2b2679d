// The tracing section. Every key may be left to the standard OpenTelemetry environment variables, which win
// where both are set (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_SERVICE_NAME,
// OTEL_TRACES_SAMPLER / _ARG, OTEL_RESOURCE_ATTRIBUTES; OTEL_SDK_DISABLED=true turns tracing off).
import { z } from "zod";

export const TracingConfig = z.strictObject({
  enabled: z
    .boolean()
    .optional()
    .describe(
      "Export traces over OTLP. Unset: on when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set",
    ),
  endpoint: z
    .url()
    .optional()
    .describe(
      "OTLP base URL, e.g. http://collector:4318 (http/protobuf; /v1/traces is appended) or http://collector:4317 (grpc)",
    ),
  protocol: z.enum(["grpc", "http/protobuf"]).default("http/protobuf").describe("OTLP transport"),
  serviceName: z.string().min(1).default("informix-grpc-proxy").describe("service.name of every span"),
  sampleRatio: z
    .number()
    .min(0)
    .max(1)
    .default(1)
    .describe("Share of new traces recorded; a client's traceparent decides for its own trace (parent-based)"),
  maxQueueSize: z
    .number()
    .int()
    .min(1)
    .default(2048)
    .describe("Spans held while the collector is slow or down; beyond it spans are dropped and counted"),
  exportTimeoutMs: z.number().int().min(100).default(10_000).describe("Bound for one export to the collector"),
});
export type TracingConfig = z.infer<typeof TracingConfig>;
