import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/loader.js";
import { REDACTED, redactedConfig } from "../../src/config/redact.js";
import type { ProxyConfig } from "../../src/config/schema.js";

const config = parseConfig({
  databases: {
    main: {
      driver: "postgres",
      host: "db",
      database: "orders",
      user: "app",
      userSecret: undefined,
      password: { env: "PG_PASSWORD" },
      default: true,
    },
    ifx: { driver: "informix", host: "ifx", database: "stores", userSecret: { file: "/run/secrets/ifx-user" } },
  },
});

describe("redactedConfig", () => {
  it("shows secret references as references", () => {
    const shown = redactedConfig(config) as { databases: Record<string, Record<string, unknown>> };
    expect(shown.databases.main?.password).toEqual({ env: "PG_PASSWORD" });
    expect(shown.databases.ifx?.userSecret).toEqual({ file: "/run/secrets/ifx-user" });
    expect(shown.databases.main?.host).toBe("db");
    expect(shown.databases.main?.user).toBe("app");
  });

  it("replaces any literal under a secret-named key, at any depth, and never prints the value", () => {
    const values = ["pw-literal-1", "tok-literal-2", "key-literal-3", "sec-literal-4", "nested-5", "pwd-6"];
    // A future or hand-built config may carry literals; the redaction must not depend on today's schema.
    const withLiterals = {
      ...config,
      server: { ...config.server, password: values[0], authToken: values[1], apiKey: values[2] },
      extra: { clientSecret: values[3], password: { value: values[4], env: "STILL_A_NAME" } },
      databases: { ...config.databases, ifx: { ...config.databases.ifx, options: { PWD: values[5] } } },
    } as unknown as ProxyConfig;
    const printed = JSON.stringify(redactedConfig(withLiterals));
    for (const value of values) expect(printed).not.toContain(value);
    expect(printed).toContain(`"password":"${REDACTED}"`);
    expect(printed).toContain('"env":"STILL_A_NAME"');
    expect(printed).toContain('"grpcPort":50051');
  });

  it("leaves the configuration itself untouched", () => {
    const before = JSON.stringify(config);
    redactedConfig(config);
    expect(JSON.stringify(config)).toBe(before);
  });
});
