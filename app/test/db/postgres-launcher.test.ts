// The PostgreSQL launcher that the tests, the fault suite and the benchmarks share: it must leave the
// process's exit code alone (the library it replaced turned failing runs into exit 0), survive a real
// kill -9 of the postmaster, and leave no server behind.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningPostgres, startEmbeddedPostgres } from "../../bench/driver-embedded-postgres.js";

const launcher = fileURLToPath(new URL("../../bench/driver-embedded-postgres.ts", import.meta.url));

async function selectOne(server: RunningPostgres): Promise<number> {
  const client = new pg.Client({ ...server.info });
  await client.connect();
  try {
    const result = await client.query("SELECT 1 AS one");
    return result.rows[0].one as number;
  } finally {
    await client.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("PostgreSQL launcher", () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startEmbeddedPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("comes back on the same port and data after a kill -9 of the postmaster", async () => {
    expect(await selectOne(server)).toBe(1);
    const before = server.pid();
    expect(before).toBeTypeOf("number");
    server.kill("SIGKILL");
    await expect(selectOne(server)).rejects.toThrow();
    await server.restart();
    expect(server.pid()).not.toBe(before);
    expect(await selectOne(server)).toBe(1);
  });

  it("answers again after a freeze with SIGSTOP and SIGCONT", async () => {
    server.kill("SIGSTOP");
    server.kill("SIGCONT");
    expect(await selectOne(server)).toBe(1);
  });
});

describe("a process that starts PostgreSQL", () => {
  it("keeps its own exit code and stops the server it started", () => {
    // A child Node process sets exitCode 3 and ends without stopping the server: the exit must stay 3,
    // and the postmaster must not outlive it.
    const script = `
      import { startEmbeddedPostgres } from ${JSON.stringify(launcher)};
      const server = await startEmbeddedPostgres();
      console.log(JSON.stringify({ pid: server.pid(), dataDir: server.dataDir }));
      process.exitCode = 3;
    `;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 90_000,
    });
    expect(child.status, child.stderr).toBe(3);
    const started = JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}") as { pid: number; dataDir: string };
    expect(started.pid).toBeGreaterThan(0);
    // SIGQUIT is an immediate shutdown; the postmaster and then its data are gone within moments.
    const deadline = Date.now() + 10_000;
    while ((alive(started.pid) || existsSync(started.dataDir)) && Date.now() < deadline) spawnSync("sleep", ["0.1"]);
    expect(alive(started.pid)).toBe(false);
    expect(existsSync(started.dataDir)).toBe(false);
  });
});
