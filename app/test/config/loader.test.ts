import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { embeddedDemoConfig } from "../../src/config/defaults.js";
import { ConfigError, loadConfig } from "../../src/config/loader.js";
import { configErrorOf, postgresYaml, scratchDir, withConfigFile } from "./helpers.js";

describe("loadConfig without a file", () => {
  it("serves the embedded SQLite demo on loopback, data under <cwd>/.data", async () => {
    const cwd = await scratchDir();
    const { config, source } = await loadConfig({ env: {}, cwd });
    expect(source).toContain("embedded demo");
    expect(config.server).toMatchObject({ host: "127.0.0.1", grpcPort: 50051, httpPort: 9090, insecure: false });
    expect(Object.keys(config.databases)).toEqual(["demo"]);
    expect(config.databases.demo).toMatchObject({
      driver: "sqlite",
      path: join(cwd, ".data", "demo.db"),
      demo: true,
      default: true,
    });
    expect(config).toEqual(embeddedDemoConfig(join(cwd, ".data")));
  });

  it("defaults the demo data directory to .data under the working directory", () => {
    const demo = embeddedDemoConfig().databases.demo;
    expect(demo?.driver === "sqlite" && demo.path).toBe(join(process.cwd(), ".data", "demo.db"));
  });
});

describe("loadConfig from a file", () => {
  it("reads the file named by the argument and fills defaults", async () => {
    const { file } = await withConfigFile(postgresYaml);
    const { config, source } = await loadConfig({ file, env: {} });
    expect(source).toBe(file);
    expect(config.server.grpcPort).toBe(6000);
    expect(config.server.httpPort).toBe(9090);
    const main = config.databases.main;
    expect(main).toMatchObject({ driver: "postgres", host: "db.internal", port: 5432, ssl: "disable" });
    expect(main?.pool.max).toBe(10);
    expect(config.limits.maxRows).toBe(10_000);
  });

  it("takes the file from PROXY_CONFIG, relative to cwd", async () => {
    const { dir } = await withConfigFile(postgresYaml);
    const { source } = await loadConfig({ env: { PROXY_CONFIG: "proxy.yaml" }, cwd: dir });
    expect(source).toBe(join(dir, "proxy.yaml"));
  });

  it("prefers the argument over PROXY_CONFIG", async () => {
    const { file } = await withConfigFile(postgresYaml);
    const { source } = await loadConfig({ file, env: { PROXY_CONFIG: "/nonexistent/other.yaml" } });
    expect(source).toBe(file);
  });

  it("names a missing file", async () => {
    const dir = await scratchDir();
    const error = await configErrorOf(() => loadConfig({ file: "missing.yaml", env: {}, cwd: dir }));
    expect(error.message).toContain(join(dir, "missing.yaml"));
    expect(error.issues[0]?.message).toContain("ENOENT");
  });

  it("reports YAML syntax errors with their line", async () => {
    const { file } = await withConfigFile("server:\n  grpcPort: 1\n  bad: [unclosed\n");
    const error = await configErrorOf(() => loadConfig({ file, env: {} }));
    expect(error.issues[0]?.message).toMatch(/^YAML syntax/);
    expect(error.issues[0]?.origin).toMatch(/^line \d+/);
  });

  it("refuses an empty file", async () => {
    const { file } = await withConfigFile("# nothing here\n");
    const error = await configErrorOf(() => loadConfig({ file, env: {} }));
    expect(error.issues[0]?.message).toContain("empty document");
  });

  it("treats an empty section or key as not set, so defaults apply", async () => {
    const { file } = await withConfigFile(`${postgresYaml}limits:\nsessions:\n  maxTotal:\n`);
    const { config } = await loadConfig({ file, env: {} });
    expect(config.limits.maxRows).toBe(10_000);
    expect(config.sessions.maxTotal).toBe(200);
  });

  it("refuses duplicate keys", async () => {
    const { file } = await withConfigFile(`${postgresYaml}\nserver:\n  grpcPort: 7\n`);
    await expect(loadConfig({ file, env: {} })).rejects.toBeInstanceOf(ConfigError);
  });

  it("supports YAML anchors and merge keys for repeated database settings", async () => {
    const { file } = await withConfigFile(`
databases:
  a: &pg { driver: postgres, host: db.internal, database: orders, default: true }
  b: { <<: *pg, port: 6432, default: false }
`);
    const { config } = await loadConfig({ file, env: {} });
    expect(config.databases.b).toMatchObject({ driver: "postgres", host: "db.internal", port: 6432, default: false });
  });

  it("refuses a key outside the schema even when it only holds a YAML anchor", async () => {
    const { file } = await withConfigFile(`
x-pg: &pg { driver: postgres, host: db.internal, database: orders }
databases:
  a: { <<: *pg, default: true }
`);
    const error = await configErrorOf(() => loadConfig({ file, env: {} }));
    expect(error.issues.map((i) => i.path)).toEqual(["x-pg"]);
  });
});

describe("validation errors name the key", () => {
  async function issuesOf(yaml: string, env: Record<string, string> = {}) {
    const { file } = await withConfigFile(yaml);
    return (await configErrorOf(() => loadConfig({ file, env }))).issues;
  }

  it("wrong type: dotted path, expected and received, line number", async () => {
    const issues = await issuesOf(postgresYaml.replace("database: orders", 'database: orders\n    port: "5432"'));
    expect(issues).toEqual([
      { path: "databases.main.port", message: "expected number, received string", origin: "proxy.yaml line 9" },
    ]);
  });

  it("the message of the error lists every issue", async () => {
    const { file } = await withConfigFile(
      postgresYaml.replace("grpcPort: 6000", "grpcPort: seven\n  httpPort: -1").replace("host: db.internal", "host: 5"),
    );
    const error = await configErrorOf(() => loadConfig({ file, env: {} }));
    expect(error.issues.map((i) => i.path).sort()).toEqual([
      "databases.main.host",
      "server.grpcPort",
      "server.httpPort",
    ]);
    for (const issue of error.issues) expect(error.message).toContain(`${issue.path}: ${issue.message}`);
    expect(error.message).toContain("3 problems");
  });

  it("unknown key suggests the closest valid one", async () => {
    const issues = await issuesOf(postgresYaml.replace("grpcPort: 6000", "grpcport: 6000"));
    expect(issues).toEqual([
      { path: "server.grpcport", message: "unknown key (did you mean grpcPort?)", origin: "proxy.yaml line 3" },
    ]);
  });

  it("unknown key inside a database uses that driver's keys", async () => {
    const issues = await issuesOf(postgresYaml.replace("host: db.internal", "hots: db.internal"));
    expect(issues.map((i) => [i.path, i.message])).toContainEqual([
      "databases.main.hots",
      "unknown key (did you mean host?)",
    ]);
    expect(issues.map((i) => i.path)).toContain("databases.main.host");
  });

  it("unknown key with no close match lists the valid keys", async () => {
    const issues = await issuesOf(`${postgresYaml}colour: blue\n`);
    expect(issues[0]?.path).toBe("colour");
    expect(issues[0]?.message).toContain("valid keys: server, databases, limits, sessions, logging");
  });

  it("missing required key says required", async () => {
    const issues = await issuesOf(postgresYaml.replace("    database: orders\n", ""));
    expect(issues).toEqual([
      { path: "databases.main.database", message: "required (expected string)", origin: "proxy.yaml line 5" },
    ]);
  });

  it("unknown driver lists the drivers", async () => {
    const issues = await issuesOf(postgresYaml.replace("driver: postgres", "driver: mysql"));
    expect(issues[0]?.path).toBe("databases.main.driver");
    expect(issues[0]?.message).toBe('expected one of "sqlite", "postgres", "informix"');
  });

  it("a literal password is refused: it must be a reference", async () => {
    const issues = await issuesOf(postgresYaml.replace("password: { env: PG_PASSWORD }", "password: hunter2"));
    expect(issues[0]?.path).toBe("databases.main.password");
    expect(issues[0]?.message).toMatch(/^expected an object with exactly one of: env, file, awsSecret/);
    expect(JSON.stringify(issues)).not.toContain("hunter2");
  });

  it("bad database name", async () => {
    const issues = await issuesOf(postgresYaml.replace("  main:", "  9main:"));
    expect(issues[0]?.path).toBe("databases.9main");
    expect(issues[0]?.message).toContain("database names are letters, digits, _ and -");
  });

  it("cross-field rules: two defaults, minIdle above max, user and userSecret, fetch sizes", async () => {
    const issues = await issuesOf(`
databases:
  a: { driver: sqlite, path: a.db, default: true, pool: { max: 2, minIdle: 3 } }
  b: { driver: postgres, host: h, database: d, default: true, user: u, userSecret: { env: U } }
  c: { driver: informix, host: h, database: d, options: { PWD: x } }
limits: { defaultFetchSize: 20000 }
`);
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    expect(byPath["databases.a.pool.minIdle"]).toBe("minIdle must not exceed max");
    expect(byPath["databases.b.userSecret"]).toBe("set user or userSecret, not both");
    expect(byPath["databases.c.options.PWD"]).toContain("credentials do not belong in options");
    expect(byPath["limits.defaultFetchSize"]).toBe("defaultFetchSize must not exceed maxFetchSize");
  });

  it("two default databases are named", async () => {
    const issues = await issuesOf(`
databases:
  a: { driver: sqlite, path: a.db, default: true }
  b: { driver: sqlite, path: b.db, default: true }
`);
    expect(issues).toEqual([
      { path: "databases", message: "only one database may be default, found: a, b", origin: "proxy.yaml line 2" },
    ]);
  });

  it("no databases at all", async () => {
    const issues = await issuesOf("databases: {}\n");
    expect(issues[0]).toMatchObject({ path: "databases", message: "at least one database is required" });
  });

  it("an error in a key set by the environment names the variable", async () => {
    const issues = await issuesOf(postgresYaml, { PROXY__SERVER__GRPC_PORT: "70000" });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: "server.grpcPort", origin: "set by PROXY__SERVER__GRPC_PORT" });
  });
});

describe("bind safety in loadConfig", () => {
  it("refuses a public bind from the file and accepts it with insecure: true", async () => {
    const open = postgresYaml.replace("grpcPort: 6000", "grpcPort: 6000\n  host: 0.0.0.0");
    const { file } = await withConfigFile(open);
    const error = await configErrorOf(() => loadConfig({ file, env: {} }));
    expect(error.issues[0]?.path).toBe("server.host");
    const { file: insecureFile } = await withConfigFile(
      open.replace("host: 0.0.0.0", "host: 0.0.0.0\n  insecure: true"),
    );
    const { config } = await loadConfig({ file: insecureFile, env: {} });
    expect(config.server.host).toBe("0.0.0.0");
  });

  it("applies to the demo too when the environment moves the bind address", async () => {
    const cwd = await scratchDir();
    await expect(loadConfig({ env: { PROXY__SERVER__HOST: "0.0.0.0" }, cwd })).rejects.toThrow(
      /server\.insecure: true/,
    );
  });
});

describe("a config file beside a data directory", () => {
  it("keeps a relative sqlite path as written (relative to the working directory)", async () => {
    const dir = await scratchDir();
    await mkdir(join(dir, "conf"));
    await writeFile(join(dir, "conf", "p.yaml"), "databases:\n  x: { driver: sqlite, path: data/x.db }\n");
    const { config } = await loadConfig({ file: "conf/p.yaml", env: {}, cwd: dir });
    expect(config.databases.x).toMatchObject({ path: "data/x.db" });
  });
});
