// The API-key secret's content must be what the proxy reads through auth.apiKeysSecret
// (app/src/secrets/api-keys-secret.ts): checked with the value the Secrets stack creates, as ECS
// injects it (an environment variable) and as the CSI driver mounts it (a file).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ProxyConfig } from "../../app/src/config/schema.js";
import { withApiKeysFromSecret } from "../../app/src/secrets/api-keys-secret.js";
import { loadEnvironmentConfig } from "../src/config/load.js";
import { renderProxyConfig, SECRET_ENV } from "../src/proxy-config.js";
import { SECRET_KEYS, SecretsStack } from "../src/stacks/secrets-stack.js";

const config = loadEnvironmentConfig("prod");
const proxyConfig = ProxyConfig.parse(
  parse(
    renderProxyConfig({
      config,
      informixHost: "h",
      informixUser: { env: SECRET_ENV.informixUser },
      informixPassword: { env: SECRET_ENV.informixPassword },
      apiKeyHashes: { env: SECRET_ENV.apiKeyHashes },
      tls: { cert: { file: "/c" }, key: { file: "/k" } },
    }),
  ),
);
const auth = proxyConfig.auth as NonNullable<typeof proxyConfig.auth>;
const definedRoles = Object.keys(proxyConfig.roles);

/** The secret's JSON as the Secrets stack creates it (before the generated "unused" key is added). */
function createdSecretJson(): Record<string, unknown> {
  const stack = new SecretsStack(new App(), "Secrets", {
    config,
    env: { account: "123456789012", region: "eu-west-1" },
  });
  const secrets = Template.fromStack(stack).findResources("AWS::SecretsManager::Secret", {
    Properties: { Name: "informix-grpc-proxy/prod/api-key-hashes" },
  });
  const [secret] = Object.values(secrets);
  return JSON.parse(secret?.Properties.GenerateSecretString.SecretStringTemplate);
}

/** What the ECS agent puts into the variable for `valueFrom: ARN:apiKeyHashes::`: the key's string value. */
function injectedByEcs(secretJson: Record<string, unknown>): string {
  const value = secretJson[SECRET_KEYS.apiKeyHashes];
  // The agent formats non-string values with Go's %v, which is not JSON: the value must be a string.
  expect(typeof value).toBe("string");
  return value as string;
}

const entry = {
  name: "reporting",
  sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  roles: ["app"],
};
const dir = mkdtempSync(join(tmpdir(), "api-keys-secret-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("API-key secret content", () => {
  it("is created as an empty JSON array under the key the task injects, which the proxy accepts as no keys", async () => {
    const value = injectedByEcs(createdSecretJson());
    expect(JSON.parse(value)).toEqual([]);
    const merged = await withApiKeysFromSecret(auth, definedRoles, { [SECRET_ENV.apiKeyHashes]: value });
    expect(merged.apiKeys).toEqual([]);
  });

  it("accepts an entry put the documented way, from the variable ECS fills", async () => {
    const secretJson = { [SECRET_KEYS.apiKeyHashes]: JSON.stringify([entry]) };
    const merged = await withApiKeysFromSecret(auth, definedRoles, {
      [SECRET_ENV.apiKeyHashes]: injectedByEcs(secretJson),
    });
    expect(merged.apiKeys).toEqual([entry]);
  });

  it("accepts the same entry from the file the CSI driver mounts (with a trailing newline)", async () => {
    const file = join(dir, "api-key-hashes.json");
    writeFileSync(file, `${JSON.stringify([entry])}\n`);
    const merged = await withApiKeysFromSecret({ ...auth, apiKeysSecret: { file } }, definedRoles, {});
    expect(merged.apiKeys.map((k) => k.name)).toEqual(["reporting"]);
  });

  it("refuses an entry granting a role the environment does not define", async () => {
    const value = JSON.stringify([{ ...entry, roles: ["admin"] }]);
    await expect(withApiKeysFromSecret(auth, definedRoles, { [SECRET_ENV.apiKeyHashes]: value })).rejects.toThrow(
      /role "admin", which is not defined under roles/,
    );
  });
});
