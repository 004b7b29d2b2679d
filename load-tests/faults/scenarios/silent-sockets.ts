// Sockets that never become gRPC calls: 500 silent TCP connections, 100 that send half an HTTP/2 preface and
// half-close, 100 that complete the preface and then stall without reading. Good calls must still be served
// meanwhile, and the proxy sheds the dead sockets on its own: the gRPC port's connection gate closes a
// connection that has not completed its HTTP/2 handshake within server.connections.handshakeTimeoutMs.
import { connect, type Socket } from "node:net";
import { atMost, info, type ScenarioReport, zero } from "../bars.js";
import { execute, percentile } from "../calls.js";
import { type FaultContext, sleep, startProxyProcess } from "../harness.js";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
/** An empty SETTINGS frame: length 0, type 4, flags 0, stream 0. */
const SETTINGS = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);

export async function silentSockets(ctx: FaultContext): Promise<ScenarioReport> {
  const started = performance.now();
  const waitMs = ctx.smoke ? 15_000 : 30_000;
  const proxy = await startProxyProcess(ctx, { name: "silent-sockets" });
  const good = proxy.client();
  await execute(good, { sql: "SELECT 1" }, 5000);
  const fdsBefore = proxy.openFds();
  const port = Number(proxy.target.split(":")[1]);
  const sockets: Socket[] = [];
  const open = (onConnect: (s: Socket) => void) =>
    new Promise<void>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.on("error", () => {});
      s.on("connect", () => {
        onConnect(s);
        resolve();
      });
      s.on("close", () => resolve());
      sockets.push(s);
    });
  const batches: Array<Promise<void>> = [];
  for (let i = 0; i < 500; i++) batches.push(open(() => {}));
  for (let i = 0; i < 100; i++) batches.push(open((s) => s.end(PREFACE.subarray(0, 10))));
  for (let i = 0; i < 100; i++)
    batches.push(
      open((s) => {
        s.write(Buffer.concat([PREFACE, SETTINGS]));
        s.pause();
      }),
    );
  await Promise.all(batches);
  const fdsWithSockets = proxy.openFds();
  const served = [];
  for (let i = 0; i < 50; i++) served.push(await execute(good, { sql: "SELECT 1" }, 5000));
  await sleep(waitMs);
  const fdsAfterWait = proxy.openFds();
  const stillOpen = sockets.filter((s) => !s.destroyed && s.readyState !== "closed").length;
  for (const s of sockets) s.destroy();
  await sleep(1000);
  const fdsAfterClose = proxy.openFds();
  const crashed = proxy.crashed();
  await proxy.stop();
  return {
    scenario: "silent-sockets: 500 silent, 100 half-closed, 100 stalled after the preface",
    figures: [
      zero("proxy crashes", crashed ? 1 : 0),
      zero("good calls failed meanwhile", served.filter((r) => r.code !== "OK").length),
      info(
        "good calls latency p99",
        percentile(
          served.map((r) => r.ms),
          99,
        ),
        "ms",
      ),
      info("proxy file descriptors before / with the sockets", `${fdsBefore} / ${fdsWithSockets}`),
      atMost(`proxy file descriptors ${waitMs / 1000} s later, above before`, fdsAfterWait - fdsBefore, 20),
      info("our sockets the proxy had not closed", stillOpen),
      atMost("proxy file descriptors once we closed ours, above before", fdsAfterClose - fdsBefore, 20),
    ],
    notes: [],
    seconds: (performance.now() - started) / 1000,
  };
}
