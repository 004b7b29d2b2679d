// The `sql` command as a client a person uses: CSV and JSON output, the address from the environment or the
// configuration, the interactive mode fed through a pipe (\d, \d NAME, multi-line statements, \format,
// \begin/\rollback), TLS with a CA and an API key from the environment, and the installed `bin` entry.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCa, issueServerCert, writePems } from "../support/certs.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

const MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
const BIN = fileURLToPath(new URL("../../../node_modules/.bin/informix-grpc-proxy", import.meta.url));

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking this process: the proxy under test lives in it. */
function run(command: string, args: string[], env: Record<string, string>, input = ""): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.once("error", reject);
    child.once("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.end(input);
  });
}

function cli(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<Ran> {
  // No credentials or addresses from the developer's own environment.
  const env = { PATH: process.env.PATH ?? "", HOME: tmpdir(), NODE_NO_WARNINGS: "1", ...options.env };
  return run(process.execPath, [MAIN, ...args], env, options.input);
}

describe("sql as a client", () => {
  let t: TestProxy;
  let dir: string;
  beforeAll(async () => {
    expect(existsSync(MAIN), "app/dist/main.js missing: run `npm run build -w app`").toBe(true);
    t = await startTestProxy("sqlite");
    dir = mkdtempSync(join(tmpdir(), "igp-cli-client-"));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("--csv quotes what needs quoting and tells NULL from an empty string; --json keeps INT64 exact", async () => {
    const sql = "SELECT 1 AS n, 'a,b' AS comma, 'say \"hi\"' AS quoted, '' AS empty, NULL AS missing";
    const csv = await cli(["sql", "-a", t.address, "--csv", sql.replace(/\\"/g, '"')]);
    expect(csv.status, csv.stderr).toBe(0);
    expect(csv.stdout.trim().split("\n")).toEqual(["n,comma,quoted,empty,missing", '1,"a,b","say ""hi""","",']);
    const json = await cli([
      "sql",
      "-a",
      t.address,
      "--json",
      "SELECT customer_id, credit_limit FROM customer WHERE customer_id = ?",
      "-p",
      "1",
    ]);
    expect(json.status, json.stderr).toBe(0);
    const row = JSON.parse(json.stdout.trim());
    expect(row.customer_id).toBe("1");
    expect(row.credit_limit).toMatch(/^\d+\.\d{2}$/);
  });

  it("the address comes from IGP_ADDRESS, or from the configuration's port", async () => {
    const fromEnv = await cli(["sql", "SELECT 1 AS one"], { env: { IGP_ADDRESS: t.address } });
    expect(fromEnv.status, fromEnv.stderr).toBe(0);
    expect(fromEnv.stdout).toContain("(1 row");
    const config = join(dir, "client.yaml");
    writeFileSync(
      config,
      `server:\n  host: 0.0.0.0\n  insecure: true\n  grpcPort: ${t.proxy.grpcPort}\ndatabases:\n  d: { driver: sqlite, path: ${join(dir, "x.db")} }\n`,
    );
    const fromConfig = await cli(["sql", "--config", config, "SELECT 1 AS one"]);
    expect(fromConfig.status, fromConfig.stderr).toBe(0);
    const fromProxyConfig = await cli(["sql", "SELECT 1 AS one"], { env: { PROXY_CONFIG: config } });
    expect(fromProxyConfig.status, fromProxyConfig.stderr).toBe(0);
  });

  it("interactive mode through a pipe: \\d, \\d NAME, multi-line statements, \\format, a rolled-back transaction", async () => {
    const script = [
      "\\d",
      "\\d orders",
      "SELECT city",
      "  FROM customer WHERE customer_id = 1;",
      "\\format csv",
      "SELECT customer_id FROM customer WHERE customer_id <= 2 ORDER BY customer_id;",
      "\\begin serializable",
      "UPDATE customer SET city = 'Pipetown' WHERE customer_id = 1;",
      "SELECT city FROM customer WHERE customer_id = 1;",
      "\\rollback",
      "SELECT city FROM customer WHERE customer_id = 1;",
      "\\nope",
      "\\q",
      "SELECT 'never reached';",
    ].join("\n");
    const result = await cli(["sql", "-a", t.address], { input: script });
    expect(result.stderr).toBe("");
    const out = result.stdout;
    expect(out).toMatch(/schema\s*\| name\s*\| kind/);
    expect(out).toMatch(/customer\s*\| table/);
    expect(out).toMatch(/total_amount\s*\| decimal/);
    expect(out).toContain("primary key: order_id");
    expect(out).toContain("customer_id\n1\n2\n");
    expect(out).toContain("BEGIN");
    expect(out).toContain("city\nPipetown\n");
    expect(out).toContain("ROLLBACK");
    expect(out.split("ROLLBACK")[1]).not.toContain("Pipetown");
    expect(out).toContain("unknown command \\nope");
    expect(out).not.toContain("never reached");
    expect(result.status).toBe(0);
  });

  it("a failing statement in a piped script makes the exit code 1", async () => {
    const result = await cli(["sql", "-a", t.address], { input: "SELECT * FROM no_such_table;\nSELECT 1;\n" });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("OBJECT_NOT_FOUND");
    expect(result.stdout).toContain("(1 row");
  });

  it("the bin entry runs the same CLI (npx informix-grpc-proxy sql ...)", async () => {
    expect(existsSync(BIN), "node_modules/.bin/informix-grpc-proxy: npm links the app's bin entry").toBe(true);
    const result = await run(BIN, ["sql", "-a", t.address, "SELECT 1 AS one"], {
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
      HOME: tmpdir(),
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("(1 row");
  });
});

describe("sql against a proxy with TLS and API keys", () => {
  const key = `igp_${randomBytes(32).toString("base64url")}`;
  let t: TestProxy;
  let caFile: string;
  let dir: string;
  beforeAll(async () => {
    const ca = await createCa("cli test CA");
    const server = await issueServerCert(ca, { dns: ["localhost"], ip: ["127.0.0.1"] });
    const pems = writePems({ "server.crt": server.certPem, "server.key": server.keyPem, "ca.crt": ca.certPem });
    dir = pems.dir;
    caFile = pems.paths["ca.crt"];
    t = await startTestProxy("sqlite", {
      configPatch: {
        server: { tls: { cert: { file: pems.paths["server.crt"] }, key: { file: pems.paths["server.key"] } } },
        auth: { apiKeys: [{ name: "cli", sha256: createHash("sha256").update(key).digest("hex"), roles: ["reader"] }] },
        roles: { reader: { databases: { main: { allow: ["read"] } } } },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("--ca with the key from IGP_API_KEY works; no key is UNAUTHENTICATED; a plaintext client cannot connect", async () => {
    const ok = await cli(["sql", "-a", t.address, "--ca", caFile, "SELECT count(*) AS n FROM customer"], {
      env: { IGP_API_KEY: key },
    });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("(1 row");
    const viaFlag = await cli(["sql", "-a", t.address, "--tls", "--ca", caFile, "--api-key", key, "SELECT 1 AS one"]);
    expect(viaFlag.status, viaFlag.stderr).toBe(0);
    const caFromEnv = await cli(["sql", "-a", t.address, "SELECT 1 AS one"], {
      env: { IGP_API_KEY: key, IGP_CA: caFile },
    });
    expect(caFromEnv.status, caFromEnv.stderr).toBe(0);
    const noKey = await cli(["sql", "-a", t.address, "--ca", caFile, "SELECT 1"]);
    expect(noKey.status).toBe(1);
    expect(noKey.stderr).toMatch(/missing credentials/);
    const plaintext = await cli(["sql", "-a", t.address, "-t", "3000", "SELECT 1"], { env: { IGP_API_KEY: key } });
    expect(plaintext.status).toBe(1);
  });

  it("refuses to send a credential in plaintext to a non-loopback address", async () => {
    const result = await cli(["sql", "-a", "192.0.2.10:50051", "SELECT 1"], { env: { IGP_API_KEY: key } });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/without TLS/);
  });
});
