// A client that reads a large ExecuteStream slowly (1M rows; smoke 100k): back-pressure must slow the
// database cursor instead of buffering the result in the proxy, so its memory stays flat; the stream is
// complete and other callers keep being served.
import { readFileSync } from "node:fs";
import type { ClientReadableStream } from "@grpc/grpc-js";
import { Metadata } from "@grpc/grpc-js";
import {
  ExecuteStreamRequest,
  type ExecuteStreamResponse,
  type SqlServiceClient,
} from "../../../app/src/gen/informix/proxy/v1/sql_service.js";
import { atMost, info, type ScenarioReport, zero } from "../bars.js";
import { callers, execute, percentile } from "../calls.js";
import { adminQuery, booksAgainstServer, type FaultContext, sleep, startProxyProcess } from "../harness.js";
import { hungCalls } from "./outage-figures.js";

const FETCH_SIZE = 1000;

export async function slowConsumer(ctx: FaultContext): Promise<ScenarioReport> {
  const started = performance.now();
  const rows = ctx.smoke ? 100_000 : 1_000_000;
  const pauseMs = ctx.smoke ? 40 : 20;
  await adminQuery(
    ctx.postgres,
    `DROP TABLE IF EXISTS fault_stream;
     CREATE TABLE fault_stream AS SELECT g::bigint AS id, md5(g::text) AS payload FROM generate_series(1, ${rows}) g`,
  );
  const proxy = await startProxyProcess(ctx, { name: "slow-consumer" });
  const others = Array.from({ length: 2 }, () => proxy.client());
  await execute(others[0] as never, { sql: "SELECT 1" }, 5000);
  const rssBefore = proxy.rssBytes();
  let rssPeak = rssBefore;
  let heapPeak = 0;
  let statusAtPeak = "";
  const sampler = setInterval(() => {
    const rss = proxy.rssBytes();
    if (rss > rssPeak) {
      rssPeak = rss;
      statusAtPeak = readFileSync(`/proc/${proxy.pid}/status`, "utf8")
        .split("\n")
        .filter((l) => /^(Threads|RssAnon|RssFile|RssShmem)/.test(l))
        .join(" ");
    }
  }, 100);
  const heapSampler = setInterval(() => {
    void fetch(`${proxy.httpBase}/metrics`)
      .then((r) => r.text())
      .then((text) => {
        heapPeak = Math.max(heapPeak, Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1] ?? 0));
      })
      .catch(() => {});
  }, 500);
  const load = callers(2, (caller) => execute(others[caller] as never, { sql: "SELECT 1" }, 5000));
  let received = 0;
  let summaryRows = -1;
  let streamError: string | undefined;
  try {
    await new Promise<void>((resolve) => {
      const client = proxy.client();
      const stream = (
        client.executeStream as unknown as (
          r: ExecuteStreamRequest,
          m: Metadata,
          o: { deadline: number },
        ) => ClientReadableStream<ExecuteStreamResponse>
      ).call(
        client as SqlServiceClient,
        ExecuteStreamRequest.fromPartial({
          sql: "SELECT id, payload FROM fault_stream ORDER BY id",
          fetchSize: FETCH_SIZE,
        }),
        new Metadata(),
        { deadline: Date.now() + 300_000 },
      );
      stream.on("data", (message: ExecuteStreamResponse) => {
        if (message.payload?.$case === "batch") {
          received += message.payload.value.rows.length;
          stream.pause();
          setTimeout(() => stream.resume(), pauseMs);
        } else if (message.payload?.$case === "summary") {
          summaryRows = Number(message.payload.value.rowCount);
        }
      });
      stream.on("error", (error: Error) => {
        streamError = error.message;
        resolve();
      });
      stream.on("end", () => resolve());
    });
  } finally {
    clearInterval(sampler);
    clearInterval(heapSampler);
    await load.stop();
  }
  await sleep(200);
  const books = await booksAgainstServer(proxy, ctx.postgres);
  const crashed = proxy.crashed();
  await proxy.stop();
  const latencies = load.records.filter((r) => r.code === "OK").map((r) => r.ms);
  return {
    scenario: `slow-consumer: ${rows.toLocaleString("en-US")}-row stream read at ${FETCH_SIZE} rows per ${pauseMs} ms`,
    figures: [
      zero("proxy crashes", crashed ? 1 : 0),
      zero("rows missing from the stream", rows - received),
      zero("summary row count off by", Math.abs(summaryRows - rows)),
      atMost("proxy RSS growth while streaming", (rssPeak - rssBefore) / 2 ** 20, 100, "MiB"),
      info("proxy V8 heap used, peak", heapPeak / 2 ** 20, "MiB"),
      zero("other calls hung past deadline + 1 s", hungCalls(load.records, 5000)),
      zero("other calls failed", load.records.filter((r) => r.code !== "OK").length),
      info("other calls meanwhile", load.records.length),
      info("other calls latency p99", percentile(latencies, 99), "ms"),
      zero("stuck connections after", books.stuck),
      zero("leaked connections after", books.leaked),
    ],
    notes: [...(streamError ? [`stream error: ${streamError}`] : []), `at peak: ${statusAtPeak}`],
    seconds: (performance.now() - started) / 1000,
  };
}
