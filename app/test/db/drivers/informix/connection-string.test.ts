import { describe, expect, it } from "vitest";
import { InformixDatabase } from "../../../../src/config/schema.js";
import { buildConnectionString, quoteCliValue } from "../../../../src/db/drivers/informix/connection-string.js";
import { DbError } from "../../../../src/db/errors.js";

const config = (extra: Record<string, unknown> = {}) =>
  InformixDatabase.parse({ driver: "informix", host: "ifx.internal", database: "stores", ...extra });

describe("CLI connection string", () => {
  it("uses the DRDA port by default and puts the password last", () => {
    const cs = buildConnectionString(config(), { user: "informix", password: "in4mix" });
    expect(cs.value).toBe("DATABASE=stores;HOSTNAME=ifx.internal;PORT=9089;PROTOCOL=TCPIP;UID=informix;PWD=in4mix;");
    expect(cs.redacted).toBe("DATABASE=stores;HOSTNAME=ifx.internal;PORT=9089;PROTOCOL=TCPIP;UID=informix;PWD=*****;");
    expect(cs.redacted).not.toContain("in4mix");
  });

  it("adds SSL and option keywords such as CurrentSchema", () => {
    const cs = buildConnectionString(
      config({ protocol: "SSL", port: 9091, options: { CurrentSchema: "app", ConnectTimeout: "5" } }),
      {
        user: "svc",
      },
    );
    expect(cs.value).toBe(
      "DATABASE=stores;HOSTNAME=ifx.internal;PORT=9091;PROTOCOL=SSL;UID=svc;CurrentSchema=app;ConnectTimeout=5;",
    );
    expect(cs.redacted).toBe(cs.value);
  });

  it("wraps values containing ';' in braces and rejects what braces cannot carry", () => {
    expect(quoteCliValue("PWD", "a;b")).toBe("{a;b}");
    expect(quoteCliValue("PWD", " lead")).toBe("{ lead}");
    expect(quoteCliValue("PWD", "plain}ok")).toBe("plain}ok");
    expect(() => quoteCliValue("PWD", "x;}y")).toThrow(DbError);
    expect(() => quoteCliValue("PWD", "line\nbreak")).toThrow(/control character/);
    const cs = buildConnectionString(config(), { user: "u", password: "p;w" });
    expect(cs.value.endsWith("PWD={p;w};")).toBe(true);
    expect(cs.redacted.endsWith("PWD=*****;")).toBe(true);
  });

  it("never echoes a rejected password in the error", () => {
    const error = (() => {
      try {
        buildConnectionString(config(), { user: "u", password: "s3cr;}t" });
      } catch (e) {
        return e as DbError;
      }
      return undefined;
    })();
    expect(error?.kind).toBe("unsupported");
    expect(error?.message).not.toContain("s3cr");
  });

  it("refuses options that would override driver-set keywords or are not keywords", () => {
    expect(() => buildConnectionString(config({ options: { Hostname: "x" } }), {})).toThrow(/set by the driver/);
    expect(() => buildConnectionString(config({ options: { "bad key": "x" } }), {})).toThrow(/not a valid CLI keyword/);
  });
});
