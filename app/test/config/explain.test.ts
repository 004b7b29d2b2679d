import { describe, expect, it } from "vitest";
import { embeddedDemoConfig } from "../../src/config/defaults.js";
import { defaultDatabaseName, explainConfig } from "../../src/config/explain.js";
import { parseConfig } from "../../src/config/loader.js";

describe("explainConfig", () => {
  it("explains the demo: bind address, database, default", () => {
    const lines = explainConfig(embeddedDemoConfig("/data"));
    expect(lines).toContain("gRPC on 127.0.0.1:50051, HTTP (metrics, health) on 127.0.0.1:9090");
    expect(lines).toContain("database demo: sqlite /data/demo.db (demo data), pool 0..10 connections");
    expect(lines).toContain("default database: demo");
    expect(lines.filter((l) => l.startsWith("warning:"))).toEqual([]);
  });

  it("describes server databases with driver, host, port, credentials by reference and pool sizes", () => {
    const lines = explainConfig(
      parseConfig({
        databases: {
          pg: {
            driver: "postgres",
            host: "db.internal",
            database: "orders",
            user: "app",
            password: { env: "PG_PASSWORD" },
            ssl: "verify-full",
            pool: { max: 20, minIdle: 2 },
          },
          ifx: { driver: "informix", host: "ifx", database: "stores", server: "ol_drda", password: { file: "/s/pw" } },
        },
      }),
    );
    expect(lines).toContain(
      "database pg: postgres db.internal:5432/orders, ssl verify-full, user app, password from { env: PG_PASSWORD }, pool 2..20 connections",
    );
    expect(lines).toContain(
      "database ifx: informix ifx:9089/stores server ol_drda, protocol TCPIP, driver's default user, password from { file: /s/pw }, pool 0..10 connections",
    );
    expect(lines).toContain("default database: none");
    expect(lines).toContain("warning: no database is marked default: every request must name its database");
  });

  it("warns that informix on 9088 is SQLI, not DRDA", () => {
    const lines = explainConfig(
      parseConfig({ databases: { ifx: { driver: "informix", host: "ifx", port: 9088, database: "stores" } } }),
    );
    expect(lines.some((l) => l.startsWith("warning: database ifx: port 9088") && l.includes("DRDA"))).toBe(true);
  });

  it("warns about a public bind, clear-text postgres and a user without password", () => {
    const lines = explainConfig(
      parseConfig({
        server: { host: "0.0.0.0", insecure: true },
        databases: { pg: { driver: "postgres", host: "db.internal", database: "d", user: "app" } },
      }),
    );
    const warnings = lines.filter((l) => l.startsWith("warning:"));
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain("0.0.0.0 is reachable from other machines");
    expect(warnings[1]).toContain("ssl is disable");
    expect(warnings[2]).toContain("without a password");
  });

  it("a single database is the default even when not marked", () => {
    expect(defaultDatabaseName(parseConfig({ databases: { only: { driver: "sqlite", path: "x.db" } } }))).toBe("only");
  });
});
