import { describe, expect, it } from "vitest";
import { ENVIRONMENTS, loadEnvironmentConfig, validateEnvironment } from "../src/config/load.js";
import { EnvironmentConfig, type EnvironmentConfigInput, stopTimeoutSeconds } from "../src/config/schema.js";

const base = ENVIRONMENTS.dev as EnvironmentConfigInput;
const prod = ENVIRONMENTS.prod as EnvironmentConfigInput;

function issuesOf(input: EnvironmentConfigInput): string[] {
  const result = EnvironmentConfig.safeParse(input);
  return (result.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("environment configuration", () => {
  it("accepts every shipped environment", () => {
    for (const name of Object.keys(ENVIRONMENTS)) {
      expect(loadEnvironmentConfig(name).name).toBe(name);
    }
  });

  it("rejects an unknown environment with the list of known ones", () => {
    expect(() => loadEnvironmentConfig("qa")).toThrow(/unknown environment "qa"; known: dev, prod/);
  });

  it("rejects a CPU/memory pair that Fargate does not offer", () => {
    const result = EnvironmentConfig.safeParse({ ...base, fargate: { cpu: 256, memoryMiB: 4096 } });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain("Fargate accepts 512, 1024, 2048 MiB");
  });

  it("rejects a drain timeout that would not fit Fargate's 120 s stop timeout", () => {
    const result = EnvironmentConfig.safeParse({ ...base, proxy: { drainTimeoutMs: 110_000 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["proxy", "drainTimeoutMs"]);
  });

  it("requires the eks section on the eks platform", () => {
    const result = EnvironmentConfig.safeParse({ ...base, platform: "eks" });
    expect(result.error?.issues.map((i) => i.path.join("."))).toContain("eks");
  });

  it("takes an image digest from the deploy workflow", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    expect(loadEnvironmentConfig("prod", { image: digest }).image.tag).toBe(digest);
  });

  it("stops a task later than the proxy's drain timeout", () => {
    expect(stopTimeoutSeconds(30_000)).toBeGreaterThan(30);
  });
});

describe("transport security and authorization settings", () => {
  it("refuses to synthesize prod without TLS", () => {
    const withoutTls = { ...prod, proxy: { ...prod.proxy, tls: false } };
    expect(() => validateEnvironment("prod", withoutTls)).toThrow(/a production environment must serve TLS/);
    // bin/app.ts and cdktf/main.ts build stacks only from loadEnvironmentConfig, which validates this way.
  });

  it("refuses the insecure opt-out in production, even with a reason", () => {
    const optedOut = { ...prod, proxy: { ...prod.proxy, tls: false, insecure: { reason: "x".repeat(30) } } };
    expect(issuesOf(optedOut)).toContain(
      "proxy.insecure: a production environment may not opt out of TLS and authentication",
    );
  });

  it("makes a non-production environment without TLS opt out explicitly, with a reason", () => {
    const { insecure: _insecure, ...silent } = base.proxy;
    expect(issuesOf({ ...base, proxy: silent }).join()).toMatch(/proxy\.tls: without TLS the proxy refuses/);
    expect(issuesOf({ ...base, proxy: { ...base.proxy, insecure: { reason: "because" } } }).join()).toMatch(
      /proxy\.insecure\.reason: say why/,
    );
    expect(issuesOf(base)).toEqual([]);
  });

  it("refuses the insecure opt-out next to TLS", () => {
    expect(issuesOf({ ...base, proxy: { ...base.proxy, tls: true } }).join()).toMatch(
      /proxy\.insecure: insecure is only for an environment without TLS/,
    );
  });

  it("requires the production flag to be stated", () => {
    const { production: _production, ...unstated } = base;
    expect(issuesOf(unstated as EnvironmentConfigInput).join()).toMatch(/^production:/);
  });

  it("defaults to one role, app, with read, write and procedure on the Informix database, audit to stdout", () => {
    const security = loadEnvironmentConfig("dev").proxy.security;
    expect(security.roles).toEqual({ app: { databases: { informix: { allow: ["read", "write", "procedure"] } } } });
    expect(security.audit).toBe("stdout");
    expect(security.policy).toEqual({ allowDdl: false, allowMultipleStatements: false, allowSessionStatements: false });
    expect(security.jwt).toBeUndefined();
    expect(security.mtls).toBeUndefined();
  });

  it("refuses grants on a database the deployment does not configure, and statement classes it does not know", () => {
    const roles = { app: { databases: { stores: { allow: ["read" as const] } } } };
    expect(issuesOf({ ...base, proxy: { ...base.proxy, security: { roles } } }).join()).toMatch(
      /proxy\.security\.roles\.app\.databases\.stores: the deployed proxy has one database, "informix"/,
    );
    const badClass = { app: { databases: { informix: { allow: ["select"] } } } };
    // biome-ignore lint/suspicious/noExplicitAny: an invalid value on purpose
    expect(issuesOf({ ...base, proxy: { ...base.proxy, security: { roles: badClass as any } } })).not.toEqual([]);
    expect(issuesOf({ ...base, proxy: { ...base.proxy, security: { roles: {} } } }).join()).toMatch(
      /define at least one role/,
    );
  });

  it("refuses mTLS without TLS and mTLS identities with undefined roles", () => {
    const mtls = { identities: { "spiffe://example.com/orders": ["orders"] } };
    const onProd = { ...prod, proxy: { ...prod.proxy, security: { mtls } } };
    expect(issuesOf(onProd)).toEqual([
      'proxy.security.mtls.identities.spiffe://example.com/orders: role "orders" is not defined under proxy.security.roles',
    ]);
    expect(issuesOf({ ...base, proxy: { ...base.proxy, security: { mtls: {} } } })).toContain(
      "proxy.security.mtls: mTLS needs proxy.tls: true",
    );
  });

  it("accepts JWT settings with an https JWKS URL only", () => {
    const jwt = { jwksUrl: "https://login.example.com/jwks", issuer: "https://login.example.com/", audience: "igp" };
    const withJwt = (url: string) => ({
      ...prod,
      proxy: { ...prod.proxy, security: { jwt: { ...jwt, jwksUrl: url } } },
    });
    expect(issuesOf(withJwt(jwt.jwksUrl))).toEqual([]);
    expect(issuesOf(withJwt("http://login.example.com/jwks")).join()).toMatch(/JWKS URL must be https/);
    expect(EnvironmentConfig.parse(withJwt(jwt.jwksUrl)).proxy.security.jwt?.rolesClaim).toBe("roles");
  });
});
