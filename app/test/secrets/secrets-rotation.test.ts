// Rotation without a restart, end to end: a PostgreSQL role whose password lives in a real local Secrets Manager
// (moto), the proxy connected with it, then ALTER ROLE ... PASSWORD + PutSecretValue. A new connection first tries
// the cached old password, is rejected (28P01), fetches the secret once more and succeeds.

import { randomBytes } from "node:crypto";
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { status } from "@grpc/grpc-js";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/loader.js";
import type { PostgresDatabaseConfig } from "../../src/config/schema.js";
import { createPostgresDriver } from "../../src/db/drivers/postgres/index.js";
import type { ExecuteResponse, SqlServiceClient } from "../../src/gen/informix/proxy/v1/sql_service.js";
import { createLogger } from "../../src/observability/logger.js";
import { type RunningProxy, startProxy } from "../../src/proxy.js";
import { type AwsSecretsReader, createAwsSecretsReader } from "../../src/secrets/aws-secrets-manager.js";
import { credentialSourceFor } from "../../src/secrets/resolve-secret.js";
import { call, execRequest, expectStatus, newClient, plain } from "../support/grpc-client.js";
import { type MotoServer, startMoto } from "../support/moto.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";

let moto: MotoServer;
let sm: SecretsManagerClient;
let db: TestDatabase;
const roles: string[] = [];

beforeAll(async () => {
  [moto, db] = await Promise.all([startMoto(), createTestDatabase("rot")]);
  sm = new SecretsManagerClient({
    region: "us-east-1",
    endpoint: moto.endpoint,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
}, 600_000);

afterAll(async () => {
  for (const role of roles) await db?.admin(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
  await db?.drop();
  sm?.destroy();
  await moto?.stop();
});

const newPassword = () => `pw-${randomBytes(12).toString("hex")}`;

/** A login role with a random password, and an RDS-style secret holding it. */
async function roleWithSecret(): Promise<{ role: string; arn: string; password: string }> {
  const role = `igp_rot_${randomBytes(5).toString("hex")}`;
  const password = newPassword();
  await db.admin(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  roles.push(role);
  const out = await sm.send(
    new CreateSecretCommand({ Name: `igp/rotation/${role}`, SecretString: rdsSecret(role, password) }),
  );
  return { role, arn: out.ARN as string, password };
}

function rdsSecret(role: string, password: string): string {
  const { host, port, database } = db.config;
  return JSON.stringify({ engine: "postgres", username: role, password, host, port, dbname: database });
}

async function rotate(role: string, arn: string, order: "database-first" | "secret-first" = "database-first") {
  const password = newPassword();
  const database = () => db.admin(`ALTER ROLE ${role} PASSWORD '${password}'`);
  const secret = () => sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: rdsSecret(role, password) }));
  if (order === "database-first") {
    await database();
    await secret();
  } else {
    await secret();
    await database();
  }
  return password;
}

async function canLogIn(role: string, password: string): Promise<boolean> {
  const client = new pg.Client({
    host: db.config.host,
    port: db.config.port,
    database: db.config.database,
    user: role,
    password,
  });
  try {
    await client.connect();
    return true;
  } catch (error) {
    expect((error as { code?: string }).code).toBe("28P01");
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

describe("credential refresh in the PostgreSQL driver", () => {
  it("uses the cached secret, and fetches it once more only after the database rejected it", async () => {
    const { role, arn, password } = await roleWithSecret();
    const real = createAwsSecretsReader(moto.env);
    const reads: string[] = [];
    const counting: AwsSecretsReader = {
      getSecretString: (id) => {
        reads.push(id);
        return real.getSecretString(id);
      },
      destroy: () => real.destroy(),
    };
    const config = parseConfig({
      databases: {
        vault: {
          driver: "postgres",
          host: db.config.host,
          port: db.config.port,
          database: db.config.database,
          credentials: { awsSecret: arn },
        },
      },
    }).databases.vault as PostgresDatabaseConfig;
    const driver = createPostgresDriver(config, {
      credentials: credentialSourceFor(config, moto.env, { aws: counting }),
    });

    await (await driver.connect()).close();
    await (await driver.connect()).close();
    expect(reads).toHaveLength(1); // the second connection used the cache

    const rotated = await rotate(role, arn);
    expect(await canLogIn(role, password)).toBe(false);
    expect(await canLogIn(role, rotated)).toBe(true);

    await (await driver.connect()).close();
    expect(reads).toHaveLength(2); // cached old password rejected -> exactly one refresh
    await (await driver.connect()).close();
    expect(reads).toHaveLength(2); // and the refreshed value is cached again
    real.destroy();
  });
});

describe("rotation through the proxy", () => {
  let proxy: RunningProxy;
  let client: SqlServiceClient;
  let role: string;
  let arn: string;

  beforeAll(async () => {
    ({ role, arn } = await roleWithSecret());
    const config = parseConfig({
      server: { host: "127.0.0.1", grpcPort: 0, httpPort: 0, drainTimeoutMs: 2000 },
      logging: { level: "silent" },
      audit: { enabled: false },
      databases: {
        vault: {
          driver: "postgres",
          host: db.config.host,
          port: db.config.port,
          database: db.config.database,
          credentials: { awsSecret: arn },
          default: true,
          // Idle connections close after a second, so the test can wait for the pool to be empty.
          pool: { minIdle: 0, idleTimeoutMs: 1000 },
        },
      },
    });
    // The secret lookups see moto through the injected environment (endpoint, region, keys), not process.env.
    proxy = await startProxy({ config, logger: createLogger("silent"), env: moto.env, healthIntervalMs: 3_600_000 });
    client = newClient(`127.0.0.1:${proxy.grpcPort}`);
  });

  afterAll(async () => {
    client?.close();
    await proxy?.stop();
  });

  const currentUser = async () => {
    const result = await call<unknown, ExecuteResponse>(client, "execute", execRequest({ sql: "SELECT current_user" }));
    return plain(result.rows[0]?.values[0]);
  };

  /** Waits (by polling the pool, not by a fixed sleep) until every connection opened with the old password is gone. */
  async function poolEmptied(): Promise<void> {
    const pool = proxy.databases.find("vault")?.pool;
    if (!pool) throw new Error("no pool");
    while (pool.stats().total > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }

  it("connects with the user and password of the RDS-style secret", async () => {
    expect(await currentUser()).toBe(role);
  });

  it("keeps working after the password is rotated in the database and the secret, without a restart", async () => {
    await rotate(role, arn, "database-first");
    await poolEmptied();
    expect(await currentUser()).toBe(role);
  });

  it("recovers when the database was changed before the secret: one failed call, then it works", async () => {
    await rotate(role, arn, "database-first");
    await poolEmptied();
    // Rotate the database only: the cached and the refreshed secret are both wrong now.
    const password = newPassword();
    await db.admin(`ALTER ROLE ${role} PASSWORD '${password}'`);
    await poolEmptied();
    await expectStatus(
      call(client, "execute", execRequest({ sql: "SELECT current_user" })),
      status.UNAVAILABLE,
      "DATABASE_CREDENTIALS_REJECTED",
    );
    await sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: rdsSecret(role, password) }));
    expect(await currentUser()).toBe(role);
  });
});
