// The configuration files the deployments write must pass the proxy's own schema (app/src/config/schema.ts).
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ProxyConfig } from "../../app/src/config/schema.js";
import { loadEnvironmentConfig } from "../src/config/load.js";
import { renderProxyConfig } from "../src/proxy-config.js";

const config = loadEnvironmentConfig("prod");

describe("generated proxy configuration", () => {
  it("is valid for the proxy on ECS (secrets from environment variables)", () => {
    const yaml = renderProxyConfig({
      config,
      informixHost: "ip-10-41-1-10.eu-west-1.compute.internal",
      informixUser: { env: "INFORMIX_USER" },
      informixPassword: { env: "INFORMIX_PASSWORD" },
    });
    const parsed = ProxyConfig.parse(parse(yaml));
    expect(parsed.server).toMatchObject({ host: "0.0.0.0", grpcPort: 50051, httpPort: 9090, drainTimeoutMs: 30_000 });
    expect(parsed.databases.informix).toMatchObject({
      driver: "informix",
      port: 9089,
      password: { env: "INFORMIX_PASSWORD" },
    });
  });

  it("is valid for the proxy on Kubernetes (secrets from mounted files)", () => {
    const yaml = renderProxyConfig({
      config,
      informixHost: "informix.internal",
      informixUser: { file: "/var/run/secrets/informix-grpc-proxy/informix-user" },
      informixPassword: { file: "/var/run/secrets/informix-grpc-proxy/informix-password" },
    });
    expect(ProxyConfig.safeParse(parse(yaml)).success).toBe(true);
  });

  it("is valid with TLS from secret references or watched files", () => {
    for (const tls of [
      { cert: { secret: { env: "TLS_CERT_PEM" } }, key: { secret: { env: "TLS_KEY_PEM" } } },
      { cert: { file: "/run/tls.crt" }, key: { file: "/run/tls.key" } },
    ]) {
      const yaml = renderProxyConfig({
        config,
        informixHost: "h",
        informixUser: { env: "U" },
        informixPassword: { env: "P" },
        tls,
      });
      expect(ProxyConfig.parse(parse(yaml)).server.tls?.cert).toEqual(tls.cert);
    }
  });

  it("never contains a secret value, only references", () => {
    const yaml = renderProxyConfig({
      config,
      informixHost: "h",
      informixUser: { env: "U" },
      informixPassword: { env: "P" },
    });
    expect(parse(yaml).databases.informix.password).toEqual({ env: "P" });
  });
});
