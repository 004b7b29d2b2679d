// The configuration files the deployments write must pass the proxy's own schema (app/src/config/schema.ts)
// and its bind-safety rule (app/src/config/bind-safety.ts), which the proxy applies before it listens.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { assertSafeBind } from "../../app/src/config/bind-safety.js";
import { ProxyConfig } from "../../app/src/config/schema.js";
import { ENVIRONMENTS, loadEnvironmentConfig, validateEnvironment } from "../src/config/load.js";
import type { EnvironmentConfig, EnvironmentConfigInput } from "../src/config/schema.js";
import { type ProxyConfigInputs, renderProxyConfig } from "../src/proxy-config.js";

const prod = loadEnvironmentConfig("prod");
const dev = loadEnvironmentConfig("dev");

/** The references ECS uses: environment variables the task definition's `secrets` fill. */
function ecsInputs(config: EnvironmentConfig): ProxyConfigInputs {
  return {
    config,
    informixHost: "ip-10-41-1-10.eu-west-1.compute.internal",
    informixUser: { env: "INFORMIX_USER" },
    informixPassword: { env: "INFORMIX_PASSWORD" },
    apiKeyHashes: { env: "API_KEY_HASHES" },
    tls: config.proxy.tls
      ? {
          cert: { secret: { env: "TLS_CERT_PEM" } },
          key: { secret: { env: "TLS_KEY_PEM" } },
          clientCa: { secret: { env: "TLS_CLIENT_CA_PEM" } },
        }
      : undefined,
  };
}

/** The references Kubernetes uses: files the Secrets Store CSI driver mounts. */
function kubernetesInputs(config: EnvironmentConfig): ProxyConfigInputs {
  const dir = "/var/run/secrets/informix-grpc-proxy";
  return {
    config,
    informixHost: "informix.internal",
    informixUser: { file: `${dir}/informix-user` },
    informixPassword: { file: `${dir}/informix-password` },
    apiKeyHashes: { file: `${dir}/api-key-hashes.json` },
    tls: config.proxy.tls
      ? { cert: { file: `${dir}/tls.crt` }, key: { file: `${dir}/tls.key` }, clientCa: { file: `${dir}/ca.crt` } }
      : undefined,
  };
}

const proxyConfigOf = (inputs: ProxyConfigInputs): ProxyConfig => ProxyConfig.parse(parse(renderProxyConfig(inputs)));

/** An environment with every security option set, to render each section once. */
function withEverySecurityOption(base: EnvironmentConfigInput): EnvironmentConfig {
  return validateEnvironment("full", {
    ...base,
    proxy: {
      ...base.proxy,
      security: {
        roles: {
          app: { databases: { informix: { allow: ["read", "write", "procedure"], maxSessions: 10 } } },
          reporting: { databases: { "*": { allow: ["read"] } } },
        },
        jwt: {
          jwksUrl: "https://login.example.com/.well-known/jwks.json",
          issuer: "https://login.example.com/",
          audience: "informix-grpc-proxy",
          rolesClaim: "realm_access.roles",
        },
        mtls: { identities: { "spiffe://example.com/ns/orders/sa/orders": ["app"] } },
        policy: { allowMultipleStatements: true },
        audit: "off",
      },
    },
  });
}

describe("generated proxy configuration", () => {
  it("is valid for the proxy in every environment, on ECS and on Kubernetes", () => {
    for (const name of Object.keys(ENVIRONMENTS)) {
      const config = loadEnvironmentConfig(name);
      for (const inputs of [ecsInputs(config), kubernetesInputs(config)]) {
        const result = ProxyConfig.safeParse(parse(renderProxyConfig(inputs)));
        expect(result.error?.issues, name).toBeUndefined();
        // The proxy runs this check before it listens; a config that fails it never starts.
        expect(() => assertSafeBind(result.data as ProxyConfig, name)).not.toThrow();
      }
    }
  });

  it("lets prod listen by TLS and authentication, with no insecure exception", () => {
    const parsed = proxyConfigOf(ecsInputs(prod));
    expect(parsed.server).toMatchObject({ host: "0.0.0.0", grpcPort: 50051, httpPort: 9090, insecure: false });
    expect(parsed.server.tls?.cert).toEqual({ secret: { env: "TLS_CERT_PEM" } });
    expect(parsed.auth?.apiKeysSecret).toEqual({ env: "API_KEY_HASHES" });
    expect(() => assertSafeBind(parsed, "prod")).not.toThrow();
    // Without TLS the same configuration is refused by the proxy: the bind rule is what passes prod.
    const { tls: _tls, ...withoutTls } = parsed.server;
    expect(() => assertSafeBind({ ...parsed, server: withoutTls }, "prod")).toThrow(/refusing to listen/);
  });

  it("writes insecure only for an environment that opts out explicitly (dev)", () => {
    const parsed = proxyConfigOf(ecsInputs(dev));
    expect(dev.proxy.insecure?.reason).toBeTruthy();
    expect(parsed.server.insecure).toBe(true);
    expect(parsed.server.tls).toBeUndefined();
    expect(parsed.auth?.apiKeysSecret).toEqual({ env: "API_KEY_HASHES" });
    const { insecure: _insecure, ...withoutOptOut } = parsed.server;
    expect(() => assertSafeBind(ProxyConfig.parse({ ...parsed, server: withoutOptOut }), "dev")).toThrow(
      /refusing to listen/,
    );
  });

  it("grants the default role read, write and procedure on the Informix database, audits to stdout", () => {
    const parsed = proxyConfigOf(ecsInputs(dev));
    expect(parsed.roles).toEqual({ app: { databases: { informix: { allow: ["read", "write", "procedure"] } } } });
    expect(parsed.policy).toMatchObject({
      allowDdl: false,
      allowMultipleStatements: false,
      allowSessionStatements: false,
    });
    expect(parsed.audit).toEqual({ enabled: true, destination: "stdout" });
    expect(proxyConfigOf(ecsInputs(prod)).roles.app?.databases.informix?.maxSessions).toBe(20);
  });

  it("gives read-only roles the SELECT-only reader login (least privilege), and writing roles none", () => {
    const config = withEverySecurityOption(ENVIRONMENTS.prod as EnvironmentConfigInput);
    const reader = { user: { env: "INFORMIX_READER_USER" }, password: { env: "INFORMIX_READER_PASSWORD" } };
    const parsed = proxyConfigOf({ ...ecsInputs(config), informixReader: reader });
    expect(parsed.roles.reporting?.databases.informix).toEqual({
      allow: ["read"],
      login: { userSecret: reader.user, password: reader.password },
    });
    expect(parsed.roles.reporting?.databases["*"]).toEqual({ allow: ["read"] });
    expect(parsed.roles.app?.databases.informix?.login).toBeUndefined();
    // Without a reader secret (the Kubernetes variant today) nothing changes.
    expect(proxyConfigOf(ecsInputs(config)).roles.reporting?.databases.informix).toBeUndefined();
  });

  it("renders JWT, mTLS, policy and audit settings when an environment configures them", () => {
    const config = withEverySecurityOption(ENVIRONMENTS.prod as EnvironmentConfigInput);
    for (const inputs of [ecsInputs(config), kubernetesInputs(config)]) {
      const parsed = proxyConfigOf(inputs);
      expect(parsed.auth?.jwt).toMatchObject({
        issuer: "https://login.example.com/",
        rolesClaim: "realm_access.roles",
      });
      expect(parsed.auth?.mtls?.identities).toEqual({ "spiffe://example.com/ns/orders/sa/orders": ["app"] });
      expect(parsed.server.tls?.clientCa).toEqual(inputs.tls?.clientCa);
      expect(parsed.server.tls?.requireClientCert).toBe(false);
      expect(Object.keys(parsed.roles)).toEqual(["app", "reporting"]);
      expect(parsed.policy.allowMultipleStatements).toBe(true);
      expect(parsed.audit.enabled).toBe(false);
      expect(() => assertSafeBind(parsed, "full")).not.toThrow();
    }
  });

  it("writes no client CA when mTLS is off, and refuses TLS without PEM sources", () => {
    expect(proxyConfigOf(ecsInputs(prod)).server.tls?.clientCa).toBeUndefined();
    expect(() => renderProxyConfig({ ...ecsInputs(prod), tls: undefined })).toThrow(/no PEM sources/);
  });

  it("never contains a secret value, only references", () => {
    const parsed = parse(renderProxyConfig(ecsInputs(prod)));
    expect(parsed.databases.informix.password).toEqual({ env: "INFORMIX_PASSWORD" });
    expect(parsed.auth.apiKeys).toBeUndefined();
  });
});
