// The proxies every client SDK test talks to: the BUILT proxy (app/dist/main.js serve), started as real
// processes, one plaintext on loopback (the embedded SQLite demo as default database, plus the demo schema
// on a throwaway embedded PostgreSQL, plus the legacy compatibility service) and one with TLS and an API
// key. Prints one JSON line describing them, then runs until SIGTERM/SIGINT or until stdin closes, and
// stops everything it started.
//
// Run: node_modules/.bin/node --import tsx clients/testing/proxy-fixture.ts [--out FILE] [--watch-stdin]
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startEmbeddedPostgres } from "../../app/bench/driver-embedded-postgres.js";
import { createDemoDatabase } from "../../app/src/db/demo/index.js";
import { createCa, issueServerCert } from "../../app/test/support/certs.js";

export interface FixtureInfo {
  /** Plaintext loopback proxy: databases `demo` (SQLite, default) and `pg` (PostgreSQL). */
  plain: string;
  /** TLS + API key proxy on loopback: database `demo` (SQLite). */
  secure: string;
  /** CA that signed the secure proxy's certificate (PEM file). */
  caFile: string;
  /** An API key the secure proxy accepts. */
  apiKey: string;
  databases: { sqlite: string; postgres: string };
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MAIN = join(root, "app", "dist", "main.js");

function startProxy(configFile: string, logFile: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [MAIN, "serve", "--config", configFile], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let buffer = "";
    const log: string[] = [];
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      log.push(chunk.toString());
      writeFileSync(logFile, log.join(""));
      const match = /"grpcPort":(\d+)/.exec(buffer);
      if (match && buffer.includes("proxy listening")) resolve({ child, port: Number(match[1]) });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`proxy exited ${code} before listening:\n${buffer}`)));
  });
}

async function main(): Promise<void> {
  if (!existsSync(MAIN)) throw new Error("app/dist/main.js is missing: run `npm run build -w app` first");
  const outIndex = process.argv.indexOf("--out");
  const outFile = outIndex > 0 ? process.argv[outIndex + 1] : undefined;
  const dir = mkdtempSync(join(tmpdir(), "igp-clients-"));
  const children: ChildProcess[] = [];
  const postgres = await startEmbeddedPostgres();
  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(
      children.map((child) =>
        child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : undefined,
      ),
    );
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  try {
    const server = postgres.info;
    const admin = new pg.Client({ ...server });
    await admin.connect();
    await admin.query('CREATE DATABASE "clients_demo"');
    await admin.end();
    const demo = new pg.Client({ ...server, database: "clients_demo" });
    await demo.connect();
    await createDemoDatabase("postgres", (sql) => demo.query(sql));
    await demo.end();

    const plainConfig = join(dir, "plain.yaml");
    writeFileSync(
      plainConfig,
      [
        "server: { host: 127.0.0.1, grpcPort: 0, httpPort: 0, drainTimeoutMs: 2000 }",
        "logging: { level: info }",
        "policy: { allowDdl: true }",
        "compat: { enabled: true }",
        "databases:",
        `  demo: { driver: sqlite, path: ${join(dir, "demo.db")}, demo: true, default: true }`,
        `  pg: { driver: postgres, host: ${server.host}, port: ${server.port}, database: clients_demo, user: ${server.user}, password: { env: IGP_FIXTURE_PG_PASSWORD }, ssl: disable }`,
        "",
      ].join("\n"),
    );

    const ca = await createCa("igp clients test CA");
    const cert = await issueServerCert(ca, { dns: ["localhost"], ip: ["127.0.0.1"] });
    const caFile = join(dir, "ca.pem");
    writeFileSync(caFile, ca.certPem);
    writeFileSync(join(dir, "server.pem"), cert.certPem);
    writeFileSync(join(dir, "server.key"), cert.keyPem, { mode: 0o600 });
    const apiKey = `igp_${randomBytes(32).toString("base64url")}`;
    const secureConfig = join(dir, "secure.yaml");
    writeFileSync(
      secureConfig,
      [
        "server:",
        "  host: 127.0.0.1",
        "  grpcPort: 0",
        "  httpPort: 0",
        "  drainTimeoutMs: 2000",
        `  tls: { cert: { file: ${join(dir, "server.pem")} }, key: { file: ${join(dir, "server.key")} } }`,
        "logging: { level: info }",
        "policy: { allowDdl: true }",
        "auth:",
        "  apiKeys:",
        `    - { name: sdk-tests, sha256: ${createHash("sha256").update(apiKey).digest("hex")}, roles: [writer] }`,
        "roles:",
        "  writer:",
        "    databases:",
        "      demo: { allow: [read, write, ddl, procedure] }",
        "databases:",
        `  demo: { driver: sqlite, path: ${join(dir, "secure.db")}, demo: true, default: true }`,
        "",
      ].join("\n"),
    );
    process.env.IGP_FIXTURE_PG_PASSWORD = server.password;
    const plain = await startProxy(plainConfig, join(dir, "plain.log"));
    children.push(plain.child);
    const secure = await startProxy(secureConfig, join(dir, "secure.log"));
    children.push(secure.child);
    const info: FixtureInfo = {
      plain: `127.0.0.1:${plain.port}`,
      secure: `127.0.0.1:${secure.port}`,
      caFile,
      apiKey,
      databases: { sqlite: "demo", postgres: "pg" },
    };
    const line = JSON.stringify(info);
    if (outFile) writeFileSync(outFile, `${line}\n`);
    process.stdout.write(`${line}\n`);
    // --watch-stdin: a test harness that spawned us with a pipe dies, the pipe closes, we clean up.
    if (process.argv.includes("--watch-stdin")) {
      process.stdin.on("end", () => void stop());
      process.stdin.on("close", () => void stop());
      process.stdin.resume();
    }
    for (const child of children) {
      child.once("exit", (code) => {
        if (!stopping) {
          process.stderr.write(`a fixture proxy exited (${code}); stopping\n`);
          void stop(1);
        }
      });
    }
  } catch (error) {
    process.stderr.write(`fixture failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    await stop(1);
  }
}

await main();
