// Shared by the config tests: a scratch directory per test with a config file in it.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { ConfigError } from "../../src/config/config-error.js";

const created: string[] = [];

afterEach(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

export async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "proxy-config-test-"));
  created.push(dir);
  return dir;
}

/** Writes `text` as proxy.yaml in a fresh directory and returns the directory. */
export async function withConfigFile(text: string): Promise<{ dir: string; file: string }> {
  const dir = await scratchDir();
  const file = join(dir, "proxy.yaml");
  await writeFile(file, text);
  return { dir, file };
}

/** Runs `action`, expects a ConfigError and returns it. */
export async function configErrorOf(action: () => unknown): Promise<ConfigError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError, but the configuration was accepted");
}

export const postgresYaml = `
server:
  grpcPort: 6000
databases:
  main:
    driver: postgres
    host: db.internal
    database: orders
    user: proxy
    password: { env: PG_PASSWORD }
    default: true
`;
