// A bounded queue in front of the OTLP exporter that counts what it loses. The SDK's BatchSpanProcessor already
// drops when full, but only says so in its diagnostic log; on-call needs a counter (proxy_trace_spans_dropped_total).
// Spans are counted in on end and out when handed to the exporter, so the queue never holds more than maxQueueSize
// and the batch processor below never has to drop on its own.
import type { Context } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace";

export type SpanDropReason = "queue_full" | "export_failed";

export interface CountedSpanQueueOptions {
  exporter: SpanExporter;
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMs: number;
  exportTimeoutMs: number;
  onExported: (spans: number) => void;
  onDropped: (reason: SpanDropReason, spans: number) => void;
}

export class CountedSpanQueue implements SpanProcessor {
  private queued = 0;
  private readonly batch: BatchSpanProcessor;

  constructor(private readonly options: CountedSpanQueueOptions) {
    const counting: SpanExporter = {
      export: (spans: ReadableSpan[], done: (result: ExportResult) => void) => {
        this.queued -= spans.length;
        options.exporter.export(spans, (result) => {
          if (result.code === ExportResultCode.SUCCESS) options.onExported(spans.length);
          else options.onDropped("export_failed", spans.length);
          done(result);
        });
      },
      shutdown: () => options.exporter.shutdown(),
      forceFlush: () => options.exporter.forceFlush?.() ?? Promise.resolve(),
    };
    this.batch = new BatchSpanProcessor({
      exporter: counting,
      // One more than ours: the batch processor must never be the one that drops.
      maxQueueSize: options.maxQueueSize + 1,
      maxExportBatchSize: Math.min(options.maxExportBatchSize, options.maxQueueSize),
      scheduledDelayMillis: options.scheduledDelayMs,
      exportTimeoutMillis: options.exportTimeoutMs,
    });
  }

  onStart(span: Span, parentContext: Context): void {
    this.batch.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (!span.spanContext().traceFlags) return; // not sampled: never exported
    if (this.queued >= this.options.maxQueueSize) {
      this.options.onDropped("queue_full", 1);
      return;
    }
    this.queued++;
    this.batch.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.batch.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.batch.shutdown();
  }
}
