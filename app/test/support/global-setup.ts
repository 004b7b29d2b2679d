// Starts ONE embedded PostgreSQL for the whole vitest run and hands its connection info to the tests
// through provide/inject. Each test file creates its own database on it (test/support/postgres.ts).
import type { TestProject } from "vitest/node";
import { type PostgresServerInfo, startEmbeddedPostgres } from "../../bench/driver-embedded-postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgres: PostgresServerInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
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
