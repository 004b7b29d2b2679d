// The proxy's one lifecycle list against real components: a start that fails at the last step (the gRPC port is
// taken) closes what it had opened (PostgreSQL connections, the HTTP port), and a graceful stop closes the same
// things after draining.
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../src/config/loader.js";
import { createLogger } from "../../src/observability/logger.js";
import { startProxy } from "../../src/proxy.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";

const PASSWORD_VARIABLE = "IGP_TEST_PG_PASSWORD";

function listen(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
const portOf = (server: Server) => (server.address() as { port: number }).port;
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe("start and stop", () => {
  let pg: TestDatabase;
  const server = inject("postgres");
  beforeAll(async () => {
    pg = await createTestDatabase("lifecycle");
  });
  afterAll(async () => {
    await pg?.drop();
  });

  const configWith = (grpcPort: number, httpPort: number) =>
    parseConfig({
      server: { host: "127.0.0.1", grpcPort, httpPort, drainTimeoutMs: 1000 },
      databases: {
        main: {
          driver: "postgres",
          host: pg.config.host,
          port: pg.config.port,
          database: pg.config.database,
          user: server.user,
          password: { env: PASSWORD_VARIABLE },
          // Connections opened at start, so a failed start has some to close.
          pool: { minIdle: 2, max: 4 },
        },
      },
      logging: { level: "silent" },
      audit: { enabled: false },
    });
  const env = { [PASSWORD_VARIABLE]: server.password };
  const connections = async () =>
    Number(
      (
        await pg.admin("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [
          pg.config.database,
        ])
      ).rows[0].n,
    );
  async function until(check: () => Promise<boolean>): Promise<boolean> {
    for (let i = 0; i < 100; i++) {
      if (await check()) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return check();
  }

  it("a failed start closes the databases and the HTTP port it had opened", async () => {
    const taken = await listen();
    const free = await listen();
    const httpPort = portOf(free);
    await close(free);
    try {
      await expect(
        startProxy({ config: configWith(portOf(taken), httpPort), logger: createLogger("silent"), env }),
      ).rejects.toThrow(/EADDRINUSE|address in use/i);
    } finally {
      await close(taken);
    }
    expect(await until(async () => (await connections()) === 0)).toBe(true);
    // The HTTP port is free again: listening on it succeeds.
    await close(await listen(httpPort));
  });

  it("a graceful stop closes the databases and both ports", async () => {
    const proxy = await startProxy({ config: configWith(0, 0), logger: createLogger("silent"), env });
    expect(await until(async () => (await connections()) >= 1)).toBe(true);
    const health = await fetch(`http://127.0.0.1:${proxy.httpPort}/healthz`);
    expect(health.status).toBe(200);
    await proxy.stop();
    expect(await until(async () => (await connections()) === 0)).toBe(true);
    await close(await listen(proxy.grpcPort));
    await close(await listen(proxy.httpPort));
  });
});
