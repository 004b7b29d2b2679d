// The leak test: a workload through a real gRPC client with known secret values (a database password held in a
// local Secrets Manager, a wrong password in a secret file) and parameter values carrying marker strings, including
// errors whose database messages quote those values, a failed login and configuration errors. Every line of the
// main log (captured at trace level) and of the audit file is scanned for every marker.

import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditRecord } from "../../src/audit/audit-sink.js";
import { ConfigError, loadConfig, parseConfig } from "../../src/config/loader.js";
import type { DatabaseConfig } from "../../src/config/schema.js";
import type {
  ExecuteBatchResponse,
  ExecuteResponse,
  OpenSessionResponse,
  PrepareResponse,
} from "../../src/gen/informix/proxy/v1/sql_service.js";
import { createLogger } from "../../src/observability/logger.js";
import { credentialSourceFor, resolveSecret } from "../../src/secrets/resolve-secret.js";
import { call, execRequest, expectStatus, plain, streamAll, v } from "../support/grpc-client.js";
import { type MotoServer, startMoto } from "../support/moto.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

const tag = randomBytes(4).toString("hex");
const SECRET = {
  password: `PwSecret${tag}Alpha`,
  wrongPassword: `PwWrong${tag}Bravo`,
  literalPassword: `PwLiteral${tag}Charlie`,
};
const PARAM = {
  selected: `ParamSelect${tag}`,
  inserted: `ParamInsert${tag}`,
  streamed: `ParamStream${tag}`,
  batched: `ParamBatch${tag}`,
  prepared: `ParamPrepared${tag}`,
  notAnInteger: `ParamNotInt${tag}`,
  duplicateKey: `ParamDupKey${tag}`,
};
const markers = [...Object.values(SECRET), ...Object.values(PARAM)];

let moto: MotoServer;
let db: TestDatabase;
let t: TestProxy;
let auditFile: string;
let dir: string;
const logLines: string[] = [];
const role = `igp_leak_${tag}`;

beforeAll(async () => {
  [moto, db] = await Promise.all([startMoto(), createTestDatabase("leak")]);
  // The proxy's secret lookups use the SDK's own environment handling here (the test proxy passes its own env).
  Object.assign(process.env, moto.env);
  const sm = new SecretsManagerClient({});
  const secret = await sm.send(
    new CreateSecretCommand({
      Name: `igp/leak/${tag}`,
      SecretString: JSON.stringify({
        username: role,
        password: SECRET.password,
        host: db.config.host,
        port: db.config.port,
      }),
    }),
  );
  sm.destroy();
  await db.admin(`CREATE ROLE ${role} LOGIN PASSWORD '${SECRET.password}'`);
  await db.admin("CREATE TABLE notes (id text PRIMARY KEY, body text)");
  await db.admin(`GRANT SELECT, INSERT, UPDATE, DELETE ON notes TO ${role}`);

  dir = mkdtempSync(join(tmpdir(), "igp-leak-"));
  auditFile = join(dir, "audit.log");
  const wrongCredentials = join(dir, "wrong.json");
  writeFileSync(wrongCredentials, JSON.stringify({ username: role, password: SECRET.wrongPassword }));
  const pgDatabase = { driver: "postgres", host: db.config.host, port: db.config.port, database: db.config.database };
  t = await startTestProxy("sqlite", {
    logger: createLogger("trace", { write: (line: string) => logLines.push(line) }),
    configPatch: {
      audit: { enabled: true, destination: { file: auditFile } },
      databases: {
        vault: { ...pgDatabase, credentials: { awsSecret: secret.ARN } },
        locked: { ...pgDatabase, credentials: { file: wrongCredentials } },
      },
    },
  });
}, 600_000);

afterAll(async () => {
  await t?.close();
  await db?.admin(`DROP OWNED BY ${role}`).catch(() => {});
  await db?.admin(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
  await db?.drop();
  await moto?.stop();
});

const execute = (database: string, sql: string, params = [] as ReturnType<typeof v.str>[], extra = {}) =>
  call<unknown, ExecuteResponse>(t.client, "execute", execRequest({ database, sql, params, ...extra }));

function auditRecords(): AuditRecord[] {
  return readFileSync(auditFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditRecord);
}

describe("no secret and no parameter value reaches a log line", () => {
  it("runs the workload: reads, writes, streams, batches, a session with a prepared statement", async () => {
    const selected = await execute("vault", "SELECT CAST(? AS text) AS echoed, current_user AS who", [
      v.str(PARAM.selected),
    ]);
    expect(plain(selected.rows[0]?.values[0])).toBe(PARAM.selected);
    expect(plain(selected.rows[0]?.values[1])).toBe(role);

    const inserted = await execute("vault", "INSERT INTO notes (id, body) VALUES (?, ?)", [
      v.str(PARAM.duplicateKey),
      v.str(PARAM.inserted),
    ]);
    expect(inserted.rowsAffected).toBe(1n);

    const streamed = await streamAll(t.client, {
      database: "vault",
      sql: "SELECT id FROM notes WHERE body <> ?",
      params: [v.str(PARAM.streamed)],
    });
    expect(streamed.rows).toHaveLength(1);

    const batch = await call<unknown, ExecuteBatchResponse>(t.client, "executeBatch", {
      database: "vault",
      sessionId: "",
      statements: [],
      sql: "INSERT INTO notes (id, body) VALUES (?, ?)",
      parameterSets: [1, 2].map((n) => ({ params: [v.str(`${PARAM.batched}-${n}`), v.str(PARAM.batched)] })),
      atomic: true,
      timeoutMs: 0,
    });
    expect(batch.totalRowsAffected).toBe(2n);

    const session = await call<unknown, OpenSessionResponse>(t.client, "openSession", { database: "vault" });
    const prepared = await call<unknown, PrepareResponse>(t.client, "prepare", {
      sessionId: session.sessionId,
      sql: "SELECT count(*) FROM notes WHERE body = ?",
    });
    const byId = await call<unknown, ExecuteResponse>(
      t.client,
      "execute",
      execRequest({ sessionId: session.sessionId, statementId: prepared.statementId, params: [v.str(PARAM.prepared)] }),
    );
    expect(Number(plain(byId.rows[0]?.values[0]))).toBe(0);
    await call(t.client, "closeSession", { sessionId: session.sessionId });
  });

  it("runs failing statements whose database messages quote the parameter values", async () => {
    // PostgreSQL: invalid input syntax for type integer: "<value>"
    await expectStatus(
      execute("vault", "SELECT CAST(? AS integer)", [v.str(PARAM.notAnInteger)]),
      status.INVALID_ARGUMENT,
    );
    // PostgreSQL: Key (id)=(<value>) already exists
    await expectStatus(
      execute("vault", "INSERT INTO notes (id, body) VALUES (?, 'x')", [v.str(PARAM.duplicateKey)]),
      status.ALREADY_EXISTS,
    );
  });

  it("fails a login with a wrong password from a secret file", async () => {
    await expectStatus(execute("locked", "SELECT 1"), status.UNAVAILABLE, "DATABASE_CREDENTIALS_REJECTED");
  });

  it("keeps secret values out of configuration and secret errors", async () => {
    const errors: string[] = [];
    const literal = { driver: "postgres", host: "h", database: "d", user: "u", password: SECRET.literalPassword };
    try {
      parseConfig({ databases: { main: literal } });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      errors.push((error as Error).message);
    }
    const file = join(dir, "proxy.yaml");
    writeFileSync(
      file,
      `databases:\n  main:\n    driver: postgres\n    host: h\n    database: d\n    password: ${SECRET.literalPassword}\n`,
    );
    await loadConfig({ file, env: {} }).catch((error: Error) => errors.push(error.message));
    // A plain-text secret asked for a JSON key: JSON.parse's own message would quote the text.
    const plainFile = join(dir, "plain.txt");
    writeFileSync(plainFile, SECRET.literalPassword);
    const wrongShape = join(dir, "creds.json");
    writeFileSync(wrongShape, JSON.stringify({ user: role, pass: SECRET.wrongPassword }));
    const config = parseConfig({
      databases: { main: { driver: "postgres", host: "h", database: "d", credentials: { file: wrongShape } } },
    });
    await credentialSourceFor(
      config.databases.main as DatabaseConfig,
      {},
    )(false).catch((error: Error) => errors.push(error.message));
    const notJson = parseConfig({
      databases: { main: { driver: "postgres", host: "h", database: "d", credentials: { file: plainFile } } },
    });
    await credentialSourceFor(
      notJson.databases.main as DatabaseConfig,
      {},
    )(false).catch((error: Error) => errors.push(error.message));
    await resolveSecret({ file: join(dir, "missing") }, {}).catch((error: Error) => errors.push(error.message));
    expect(errors).toHaveLength(5);
    for (const message of errors) for (const marker of markers) expect(message).not.toContain(marker);
    logLines.push(...errors.map((message) => JSON.stringify({ configError: message })));
  });

  it("wrote an audit record per statement, with outcome and fingerprint but no values", async () => {
    // Closing the proxy flushes the audit file and writes the last log lines; the afterAll close is then a no-op.
    await t.proxy.stop();
    const records = auditRecords();
    const vault = records.filter((r) => r.database === "vault");
    expect(vault.map((r) => r.status)).toEqual(expect.arrayContaining(["OK", "InvalidArgument", "AlreadyExists"]));
    expect(vault.length).toBeGreaterThanOrEqual(7);
    const first = vault[0] as AuditRecord;
    expect(first).toMatchObject({ rpc: "Execute", statementClass: "read", identityMethod: expect.any(String) });
    expect(first.fingerprint.toLowerCase()).toContain("select cast(? as text)");
    // The failed login never reached a statement: it shows in the main log (rpc line, reason), not in the audit.
    expect(records.some((r) => r.database === "locked")).toBe(false);
  });

  it("found none of the markers in any line of the main log or the audit file", () => {
    const audit = readFileSync(auditFile, "utf8").split("\n").filter(Boolean);
    // The capture really saw the workload: rpc lines at info, pool and driver lines at debug.
    expect(logLines.filter((l) => l.includes('"msg":"rpc"')).length).toBeGreaterThanOrEqual(10);
    expect(logLines.some((l) => l.includes("DATABASE_CREDENTIALS_REJECTED"))).toBe(true);
    expect(audit.length).toBeGreaterThan(0);
    const leaks: string[] = [];
    for (const line of [...logLines, ...audit]) {
      for (const marker of markers) if (line.includes(marker)) leaks.push(`${marker} in ${line}`);
    }
    expect(leaks).toEqual([]);
  });
});
