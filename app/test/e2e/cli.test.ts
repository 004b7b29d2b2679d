// The real CLI process (app/dist, built by `npm test` before the suite): `serve` on the embedded demo, the `sql`
// subcommand against it, check-config / print-config, and a graceful SIGTERM that rolls back and exits 0.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, execRequest, newClient } from "../support/grpc-client.js";

const MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [MAIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
}

async function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split("\n")) if (pattern.test(line)) return resolve(line);
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`exited ${code} before ${pattern}: ${buffer}`)));
  });
}

describe("CLI", () => {
  let dir: string;
  let child: ChildProcess;
  let grpcPort: number;
  let httpPort: number;
  beforeAll(async () => {
    expect(existsSync(MAIN), "app/dist/main.js missing: run `npm run build -w app`").toBe(true);
    dir = mkdtempSync(join(tmpdir(), "igp-cli-"));
    writeFileSync(
      join(dir, "proxy.yaml"),
      `server:\n  grpcPort: 0\n  httpPort: 0\n  drainTimeoutMs: 5000\ndatabases:\n  demo:\n    driver: sqlite\n    path: ${join(dir, "demo.db")}\n    demo: true\n`,
    );
    child = spawn(process.execPath, [MAIN, "serve", "--config", join(dir, "proxy.yaml")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const line = JSON.parse(await waitForLine(child, /proxy listening/));
    grpcPort = line.grpcPort;
    httpPort = line.httpPort;
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("sql prints a readable table from the demo database", () => {
    const result = cli([
      "sql",
      "-a",
      `127.0.0.1:${grpcPort}`,
      "SELECT customer_id, city FROM customer WHERE customer_id <= ? ORDER BY customer_id",
      "-p",
      "3",
    ]);
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/customer_id \| city/);
    expect(lines[1]).toMatch(/^-+-\+-/);
    expect(lines.at(-1)).toMatch(/^\(3 rows, /);
  });

  it("sql reports errors with their reason on stderr and a non-zero exit", () => {
    const result = cli(["sql", "-a", `127.0.0.1:${grpcPort}`, "SELECT * FROM no_such_table"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("OBJECT_NOT_FOUND");
    expect(result.stdout).toBe("");
  });

  it("check-config names the bad key; print-config redacts", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "server:\n  grpcPort: nope\ndatabases:\n  d:\n    driver: sqlite\n    path: x.db\n");
    const failed = cli(["check-config", "--config", bad]);
    expect(failed.status).toBe(2);
    expect(failed.stderr).toContain("server.grpcPort");
    const ok = cli(["check-config", "--config", join(dir, "proxy.yaml")]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("valid");
    const printed = cli(["print-config", "--config", join(dir, "proxy.yaml")]);
    expect(printed.status, printed.stderr).toBe(0);
    expect(printed.stdout).toContain("grpcPort: 0");
  });

  it("serve on a port already in use exits 1 with one clear line", () => {
    const busy = join(dir, "busy.yaml");
    writeFileSync(
      busy,
      `server:\n  grpcPort: ${grpcPort}\n  httpPort: 0\ndatabases:\n  demo:\n    driver: sqlite\n    path: ${join(dir, "busy.db")}\n    demo: true\n`,
    );
    const result = cli(["serve", "--config", busy]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^cannot start: .*EADDRINUSE/m);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("refuses a non-loopback bind without TLS and authentication", () => {
    const result = cli(["check-config", "--config", join(dir, "proxy.yaml")], { PROXY__SERVER__HOST: "0.0.0.0" });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/insecure/);
  });

  it("SIGTERM drains, rolls back open transactions and exits 0", async () => {
    const client = newClient(`127.0.0.1:${grpcPort}`);
    const { sessionId } = await call<unknown, { sessionId: string }>(client, "openSession", { database: "" });
    await call(client, "beginTransaction", { sessionId, isolation: 0, readOnly: false });
    await call(
      client,
      "execute",
      execRequest({ sessionId, sql: "UPDATE customer SET city = 'Draining' WHERE customer_id = 1" }),
    );
    const logs: string[] = [];
    child.stdout?.on("data", (c: Buffer) => logs.push(c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    client.close();
    expect(logs.join("")).toMatch(/"rolledBack":true/);
    expect(httpPort).toBeGreaterThan(0);
  });
});
