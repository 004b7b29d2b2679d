// Starts ONE embedded PostgreSQL for the whole vitest run and hands its connection info to the tests
// through provide/inject. Each test file creates its own database on it (test/support/postgres.ts).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { type PostgresServerInfo, startEmbeddedPostgres } from "../../bench/driver-embedded-postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgres: PostgresServerInfo;
  }
}

/**
 * redis-server is a Debian package, not an npm one: the project's own script installs it (as root, with apt-get)
 * before any test file looks for it. Where that cannot work the Redis tests are skipped, except in CI.
 */
function ensureRedisServer(): void {
  const script = fileURLToPath(new URL("../../../.ci/redis.sh", import.meta.url));
  const result = spawnSync("bash", [script], { encoding: "utf8", timeout: 300_000 });
  if (result.status === 0) return;
  const why = `redis-server could not be installed (.ci/redis.sh): ${(result.stderr || result.stdout).trim()}`;
  if (process.env.CI) throw new Error(why);
  console.warn(`${why}; the Redis limit tests are skipped`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureRedisServer();
  const lines: string[] = [];
  let running: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  try {
    running = await startEmbeddedPostgres({ log: (line) => lines.push(line) });
  } catch (error) {
    // The server's own output is the only useful diagnosis; show it only on failure.
    console.error(lines.join(""));
    throw error;
  }
  project.provide("postgres", running.info);
  return async () => {
    await running.stop();
  };
}
