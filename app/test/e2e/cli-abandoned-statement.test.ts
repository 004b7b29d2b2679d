// The real serve process (app/dist) with a SQLite statement given up on inside one long step: its thread cannot
// be stopped, and Node's exit would wait for it. SIGTERM must still end the process after the graceful stop.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { status } from "@grpc/grpc-js";
import { afterAll, describe, expect, it } from "vitest";
import { call, execRequest, expectStatus, newClient } from "../support/grpc-client.js";

const MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
// Minutes of one SQLite step.
const ENDLESS_COUNT =
  "SELECT count(*) FROM (WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 5000000000) SELECT n FROM s)";

describe("serve with an abandoned SQLite statement", () => {
  const dir = mkdtempSync(join(tmpdir(), "igp-cli-abandoned-"));
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("ends on SIGTERM although the statement's thread is still running", async () => {
    expect(existsSync(MAIN), "app/dist/main.js missing: run `npm run build -w app`").toBe(true);
    const configFile = join(dir, "proxy.yaml");
    writeFileSync(
      configFile,
      `server:\n  grpcPort: 0\n  httpPort: 0\n  drainTimeoutMs: 2000\ndatabases:\n  demo:\n    driver: sqlite\n    path: ${join(dir, "demo.db")}\n    demo: true\n`,
    );
    const proc = spawn(process.execPath, [MAIN, "serve", "--config", configFile], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    let output = "";
    proc.stdout?.on("data", (c: Buffer) => {
      output += c.toString();
    });
    const grpcPort = await new Promise<number>((resolve, reject) => {
      const onData = () => {
        const match = /"grpcPort":(\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      };
      proc.stdout?.on("data", onData);
      proc.once("exit", (code) => reject(new Error(`exited ${code}: ${output}`)));
    });
    const client = newClient(`127.0.0.1:${grpcPort}`);
    await call(client, "execute", execRequest({ sql: "SELECT 1" })); // connected and warm
    // Long enough for the worker to be well inside the count when the deadline passes.
    await expectStatus(
      call(client, "execute", execRequest({ sql: ENDLESS_COUNT }), { deadline: Date.now() + 1500 }),
      status.DEADLINE_EXCEEDED,
    );
    client.close();
    const httpPort = Number(/"httpPort":(\d+)/.exec(output)?.[1]);
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    expect(metrics).toMatch(/^proxy_sqlite_abandoned_threads 1$/m);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      // "close": after the exit and the last of its output.
      proc.once("close", (code, signal) => resolve({ code, signal })),
    );
    proc.kill("SIGTERM");
    const { code, signal } = await exited;
    // Ended by SIGTERM's default action after the graceful stop (a hang here fails the test by its timeout).
    expect({ code, signal }).toEqual({ code: null, signal: "SIGTERM" });
    expect(output).toMatch(/"msg":"stopped"/);
    expect(output).toMatch(/abandoned SQLite statements still run in their threads/);
  });
});
