// A real redis-server for the tests of limits shared by a fleet, started by the test itself on a free loopback
// port with no persistence, and killed (for real) when done or when a test needs Redis gone. Debian's
// redis-server must be installed (.ci/redis.sh); without it, REDIS_MISSING says why the tests are skipped.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { freePort } from "../../bench/driver-embedded-postgres.js";

export const REDIS_MISSING: string | undefined =
  spawnSync("redis-server", ["--version"], { encoding: "utf8" }).status === 0
    ? undefined
    : "redis-server is not installed (run .ci/redis.sh): the Redis limit tests are skipped";

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** kill -9, as a crash or a partition would. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is persisted). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 10_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}): ${output}`));
    });
  });
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child = await launch(port);
  const kill = async (signal: NodeJS.Signals) => {
    const done = exited(child);
    child.kill(signal);
    await done;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () => kill("SIGKILL"),
    async restart() {
      await kill("SIGKILL");
      child = await launch(port);
    },
    stop: () => kill("SIGTERM"),
  };
}
