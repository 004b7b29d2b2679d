import { describe, expect, it } from "vitest";
import { assertSafeBind, isLoopbackHost } from "../../src/config/bind-safety.js";
import { ConfigError } from "../../src/config/config-error.js";
import { embeddedDemoConfig } from "../../src/config/defaults.js";
import type { ProxyConfig } from "../../src/config/schema.js";

function withServer(server: Partial<ProxyConfig["server"]>): ProxyConfig {
  const config = embeddedDemoConfig("/data");
  return { ...config, server: { ...config.server, ...server } };
}

describe("isLoopbackHost", () => {
  it.each(["127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "localhost", "LOCALHOST"])(
    "%s is loopback",
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );
  it.each([
    "0.0.0.0",
    "::",
    "10.0.0.5",
    "128.0.0.1",
    "::2",
    "::ffff:10.0.0.1",
    "proxy.internal",
    "localhost.evil.com",
    "",
  ])("%s is not loopback", (host) => expect(isLoopbackHost(host)).toBe(false));
});

describe("assertSafeBind", () => {
  it("allows loopback", () => {
    expect(() => assertSafeBind(withServer({ host: "127.0.0.1" }))).not.toThrow();
    expect(() => assertSafeBind(withServer({ host: "::1" }))).not.toThrow();
  });

  it("refuses a non-loopback bind without TLS and authentication, saying insecure: true is the way", () => {
    let caught: unknown;
    try {
      assertSafeBind(withServer({ host: "0.0.0.0" }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const issue = (caught as ConfigError).issues[0];
    expect(issue?.path).toBe("server.host");
    expect(issue?.message).toContain('"0.0.0.0", a non-loopback address, without TLS and authentication');
    expect(issue?.message).toContain("server.insecure: true");
  });

  it("accepts it when server.insecure is true", () => {
    expect(() => assertSafeBind(withServer({ host: "0.0.0.0", insecure: true }))).not.toThrow();
  });
});
