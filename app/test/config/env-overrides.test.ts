import { describe, expect, it } from "vitest";
import { applyEnvOverrides } from "../../src/config/env-overrides.js";
import { loadConfig } from "../../src/config/loader.js";
import { ProxyConfig } from "../../src/config/schema.js";
import { configErrorOf, postgresYaml, scratchDir, withConfigFile } from "./helpers.js";

const base = {
  databases: {
    main: { driver: "postgres", host: "db", database: "orders", password: { file: "/run/secrets/pg" } },
    Reports_DB: { driver: "informix", host: "ifx", database: "stores", options: { CurrentSchema: "app" } },
  },
};

function apply(env: Record<string, string>) {
  return applyEnvOverrides(ProxyConfig, base, env);
}

describe("environment overrides", () => {
  it("maps segments to keys case-insensitively, underscores ignored", () => {
    const { data, applied } = apply({ PROXY__SERVER__GRPC_PORT: "6000", PROXY__DATABASES__MAIN__HOST: "db2.internal" });
    expect(data).toMatchObject({ server: { grpcPort: 6000 }, databases: { main: { host: "db2.internal" } } });
    expect(applied).toEqual([
      { variable: "PROXY__DATABASES__MAIN__HOST", path: "databases.main.host" },
      { variable: "PROXY__SERVER__GRPC_PORT", path: "server.grpcPort" },
    ]);
  });

  it("does not change the input", () => {
    apply({ PROXY__DATABASES__MAIN__HOST: "other" });
    expect(base.databases.main.host).toBe("db");
  });

  it("parses YAML scalars for numbers and booleans", () => {
    const { data } = apply({ PROXY__SERVER__INSECURE: "true", PROXY__LIMITS__MAX_ROWS: "250" });
    expect(data).toMatchObject({ server: { insecure: true }, limits: { maxRows: 250 } });
  });

  it("keeps text for keys that take text, even when it looks like a number", () => {
    const { data } = apply({ PROXY__DATABASES__MAIN__DATABASE: "2024", PROXY__DATABASES__MAIN__USER: "true" });
    expect(data).toMatchObject({ databases: { main: { database: "2024", user: "true" } } });
  });

  it("matches database names case-insensitively with underscores ignored", () => {
    const { data, applied } = apply({ PROXY__DATABASES__REPORTSDB__PORT: "9089" });
    expect(applied[0]?.path).toBe("databases.Reports_DB.port");
    expect(data).toMatchObject({ databases: { Reports_DB: { port: 9089 } } });
  });

  it("switches a secret reference from file to env", () => {
    const { data } = apply({ PROXY__DATABASES__MAIN__PASSWORD__ENV: "PG_PASSWORD" });
    expect((data.databases as Record<string, { password: unknown }>).main?.password).toEqual({ env: "PG_PASSWORD" });
    expect(() => ProxyConfig.parse(data)).not.toThrow();
  });

  it("adds an entry to a map of plain values (informix options)", () => {
    const { data } = apply({ PROXY__DATABASES__REPORTS_DB__OPTIONS__CONNECTTIMEOUT: "10" });
    expect((data.databases as Record<string, { options: unknown }>).Reports_DB?.options).toEqual({
      CurrentSchema: "app",
      CONNECTTIMEOUT: "10",
    });
  });

  it("ignores variables without the PROXY__ prefix, and PROXY_CONFIG", () => {
    const { applied } = apply({ PROXY_CONFIG: "x.yaml", PROXYSERVER: "1", HOME: "/root" });
    expect(applied).toEqual([]);
  });

  it("an unknown key is an error that names the variable and suggests the key", async () => {
    const error = await configErrorOf(() => apply({ PROXY__SERVER__GRPC_PROT: "1" }));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe("PROXY__SERVER__GRPC_PROT");
    expect(error.issues[0]?.message).toContain('no key "GRPC_PROT" in server (did you mean grpcPort?)');
    expect(error.message).toContain("PROXY__SERVER__GRPC_PROT");
  });

  it("an unknown database is an error naming the variable and the defined databases", async () => {
    const error = await configErrorOf(() => apply({ PROXY__DATABASES__OTHER__HOST: "x" }));
    expect(error.issues[0]?.path).toBe("PROXY__DATABASES__OTHER__HOST");
    expect(error.issues[0]?.message).toContain("defined: main, Reports_DB");
  });

  it("a key of another driver is unknown for this database", async () => {
    const error = await configErrorOf(() => apply({ PROXY__DATABASES__MAIN__SERVER: "ol_informix" }));
    expect(error.issues[0]?.message).toContain('no key "SERVER" in databases.main');
  });

  it("naming a section or going below a value are errors; every bad variable is reported", async () => {
    const error = await configErrorOf(() =>
      apply({ PROXY__SERVER: "x", PROXY__SERVER__HOST__NAME: "x", PROXY__SERVER____HOST: "x" }),
    );
    expect(error.issues.map((i) => i.path).sort()).toEqual([
      "PROXY__SERVER",
      "PROXY__SERVER__HOST__NAME",
      "PROXY__SERVER____HOST",
    ]);
    const byVariable = Object.fromEntries(error.issues.map((i) => [i.path, i.message]));
    expect(byVariable.PROXY__SERVER).toContain("server is a section");
    expect(byVariable.PROXY__SERVER__HOST__NAME).toContain("server.host is a single value");
    expect(byVariable.PROXY__SERVER____HOST).toContain("empty key segment");
  });

  it("applies on top of a file through loadConfig, and the source says so", async () => {
    const { file } = await withConfigFile(postgresYaml);
    const { config, source } = await loadConfig({
      file,
      env: { PROXY__SERVER__GRPC_PORT: "7000", PROXY__DATABASES__MAIN__POOL__MAX: "3" },
    });
    expect(config.server.grpcPort).toBe(7000);
    expect(config.databases.main?.pool.max).toBe(3);
    expect(source).toBe(`${file} with PROXY__DATABASES__MAIN__POOL__MAX, PROXY__SERVER__GRPC_PORT`);
  });

  it("applies on top of the embedded demo", async () => {
    const cwd = await scratchDir();
    const { config } = await loadConfig({
      env: { PROXY__SERVER__HTTP_PORT: "0", PROXY__DATABASES__DEMO__READ_ONLY: "true" },
      cwd,
    });
    expect(config.server.httpPort).toBe(0);
    expect(config.databases.demo).toMatchObject({ readOnly: true });
  });

  it("loadConfig rejects an unknown variable", async () => {
    const cwd = await scratchDir();
    const error = await configErrorOf(() => loadConfig({ env: { PROXY__SERVR__HOST: "x" }, cwd }));
    expect(error.issues[0]?.path).toBe("PROXY__SERVR__HOST");
    expect(error.issues[0]?.message).toContain("did you mean server?");
  });
});
