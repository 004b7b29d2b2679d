// Runs against the real ibm_db native module when it is installed and built for this Node (see
// docs/informix.md, "Building ibm_db on Node 24"). A fresh `npm ci` does not build it, so there the test
// is skipped with the reason in its title.
import { createServer } from "node:net";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { InformixDatabase } from "../../../../src/config/schema.js";
import { createInformixDriver } from "../../../../src/db/drivers/informix/index.js";
import { loadIbmDb } from "../../../../src/db/drivers/informix/loader.js";
import { DbError } from "../../../../src/db/errors.js";

const loaded = await loadIbmDb().then(
  () => undefined,
  (error: unknown) => (error instanceof Error ? error.message.split("\n", 1)[0] : String(error)),
);

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("real ibm_db native module", () => {
  const title = "a refused connection (127.0.0.1, closed port) maps to unavailable";
  const test = loaded === undefined ? it : it.skip;
  test(loaded === undefined ? title : `${title} [skipped: ibm_db not loadable here: ${loaded}]`, async () => {
    const port = await closedPort();
    const config = InformixDatabase.parse({
      driver: "informix",
      host: "127.0.0.1",
      port,
      database: "stores",
      options: { ConnectTimeout: "5" },
    });
    const driver = await createInformixDriver(config, {
      credentials: async () => ({ user: "informix", password: "not-used" }),
      logger: pino({ level: "silent" }),
    });
    const error = await driver.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DbError);
    expect((error as DbError).kind).toBe("unavailable");
    expect((error as DbError).nativeCode).toBe(-30081);
    expect((error as DbError).sqlstate).toBe("08001");
    expect((error as DbError).message).toMatch(/^SQL30081N/);
    expect((error as DbError).message).not.toContain("not-used");
    await driver.close();
  });
});
