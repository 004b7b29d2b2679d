// 10,000+ malformed requests (50,000 in the full run) from a fixed seed: garbage on the TCP port, a valid
// HTTP/2 preface followed by garbage frames, gRPC messages whose protobuf is random or a mutated valid
// request, broken gRPC framing (length prefix longer than the body, compressed flag without an encoding, a
// declared length far beyond the limit), and wrong paths, methods and content types. Nothing may crash or
// hang the proxy, a good call must still work, and a while later its RSS must be back within 20% of what it
// was before the fuzz.
import { atMost, info, type ScenarioReport, zero } from "../bars.js";
import { countBy, execute } from "../calls.js";
import { FUZZ_SEED, fuzz, SETTLE_TIMEOUT_MS } from "../fuzz.js";
import { type FaultContext, sleep, startProxyProcess } from "../harness.js";

export async function malformedRequests(ctx: FaultContext): Promise<ScenarioReport> {
  const started = performance.now();
  const total = ctx.smoke ? 10_000 : 50_000;
  // The bar: RSS back within 20% "a minute after the fuzz", in the smoke run too.
  const settleMs = 60_000;
  const proxy = await startProxyProcess(ctx, { name: "malformed-requests" });
  const good = proxy.client();
  for (let i = 0; i < 200; i++) await execute(good, { sql: "SELECT 1" }, 5000);
  const rssBefore = proxy.rssBytes();
  const heapBefore = await heapUsed(proxy.httpBase);
  const fdsBefore = proxy.openFds();
  const outcomes = await fuzz(proxy.target, total, FUZZ_SEED, () => proxy.crashed());
  const rssAfterFuzz = proxy.rssBytes();
  const goodAfter = await execute(good, { sql: "SELECT 1" }, 5000);
  await sleep(settleMs);
  const rssSettled = proxy.rssBytes();
  const heapSettled = await heapUsed(proxy.httpBase);
  const fdsSettled = proxy.openFds();
  const crashed = proxy.crashed();
  await proxy.stop();
  const hung = outcomes.filter((o) => o.endsWith("no answer")).length;
  const distribution = countBy(outcomes, (o) => o);
  return {
    scenario: `malformed-requests: ${outcomes.length.toLocaleString("en-US")} fuzzed frames and messages (seed ${FUZZ_SEED})`,
    figures: [
      zero("proxy crashes", crashed ? 1 : 0),
      zero(`requests with no answer within ${SETTLE_TIMEOUT_MS / 1000} s`, hung),
      info("requests sent", outcomes.length),
      zero(`a good call afterwards failed (${goodAfter.code})`, goodAfter.code === "OK" ? 0 : 1),
      info("RSS before the fuzz", rssBefore / 2 ** 20, "MiB"),
      info("RSS right after the fuzz", rssAfterFuzz / 2 ** 20, "MiB"),
      info(
        "V8 heap used before / after",
        `${(heapBefore / 2 ** 20).toFixed(1)} / ${(heapSettled / 2 ** 20).toFixed(1)}`,
        "MiB",
      ),
      atMost(`RSS ${settleMs / 1000} s after, vs before`, (rssSettled / rssBefore - 1) * 100, 20, "%"),
      atMost("open file descriptors after, vs before", fdsSettled - fdsBefore, 10),
    ],
    notes: [
      `outcomes: ${Object.entries(distribution)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k}:${n}`)
        .join(" ")}`,
    ],
    seconds: (performance.now() - started) / 1000,
  };
}

async function heapUsed(httpBase: string): Promise<number> {
  const text = await (await fetch(`${httpBase}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1] ?? Number.NaN);
}
