// AWS Secrets Manager references against a real local Secrets Manager (moto in server mode): whole-string and
// JSON-key secrets, ARN regions, RDS-style credentials, the TTL cache and forced refresh, and errors that name the
// reference but never carry a value.

import { randomBytes } from "node:crypto";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/loader.js";
import type { DatabaseConfig } from "../../src/config/schema.js";
import { createAwsSecretsReader } from "../../src/secrets/aws-secrets-manager.js";
import { cachedSecret, credentialSourceFor, resolveSecret, SecretError } from "../../src/secrets/resolve-secret.js";
import { type MotoServer, startMoto } from "../support/moto.js";

let moto: MotoServer;
let admin: SecretsManagerClient;

beforeAll(async () => {
  moto = await startMoto();
  admin = new SecretsManagerClient({
    region: "us-east-1",
    endpoint: moto.endpoint,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
}, 600_000);

afterAll(async () => {
  admin?.destroy();
  await moto?.stop();
});

async function createSecret(value: string, region = "us-east-1"): Promise<{ name: string; arn: string }> {
  const name = `igp/test/${randomBytes(5).toString("hex")}`;
  const client =
    region === "us-east-1"
      ? admin
      : new SecretsManagerClient({
          region,
          endpoint: moto.endpoint,
          credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        });
  const out = await client.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  return { name, arn: out.ARN as string };
}

async function errorOf(promise: Promise<unknown>): Promise<SecretError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the lookup to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SecretError);
  return error as SecretError;
}

describe("the AWS SDK and the emulator", () => {
  it("honours AWS_ENDPOINT_URL_SECRETS_MANAGER from the environment without an endpoint in code", async () => {
    const { name } = await createSecret("from-env-endpoint");
    const saved = { ...process.env };
    Object.assign(process.env, moto.env);
    try {
      const bare = new SecretsManagerClient({});
      const out = await bare.send(new GetSecretValueCommand({ SecretId: name }));
      bare.destroy();
      expect(out.SecretString).toBe("from-env-endpoint");
      // And the proxy's reader on process.env itself (no injected environment).
      expect(await createAwsSecretsReader(process.env).getSecretString(name)).toBe("from-env-endpoint");
    } finally {
      for (const key of Object.keys(moto.env)) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });
});

describe("awsSecret references", () => {
  it("resolves a whole-string secret by name, the region from AWS_REGION", async () => {
    const { name } = await createSecret("plain-secret-value");
    expect(await resolveSecret({ awsSecret: name }, moto.env)).toBe("plain-secret-value");
  });

  it("takes the region from the ARN, so no AWS_REGION is needed", async () => {
    const { arn } = await createSecret("in-another-region", "eu-west-3");
    expect(arn).toContain(":eu-west-3:");
    const { AWS_REGION: _unused, ...envWithoutRegion } = moto.env;
    expect(await resolveSecret({ awsSecret: arn }, envWithoutRegion)).toBe("in-another-region");
    // By name the region is unknown: a clear error, not the SDK's.
    const error = await errorOf(resolveSecret({ awsSecret: "by-name-only" }, envWithoutRegion));
    expect(error.message).toContain("no region");
  });

  it("selects a key of an RDS-style JSON secret; numbers such as port become strings", async () => {
    const rds = {
      username: "app",
      password: "rds-pass-1",
      host: "db.internal",
      port: 5432,
      dbname: "sales",
      server: "ol_prod",
    };
    const { arn } = await createSecret(JSON.stringify(rds));
    expect(await resolveSecret({ awsSecret: arn, key: "password" }, moto.env)).toBe("rds-pass-1");
    expect(await resolveSecret({ awsSecret: arn, key: "port" }, moto.env)).toBe("5432");
    expect(await resolveSecret({ awsSecret: arn, key: "server" }, moto.env)).toBe("ol_prod");
  });

  it("names the reference and the available keys for a missing key, never a value", async () => {
    const { arn } = await createSecret(JSON.stringify({ username: "app", password: "never-shown-7f3a" }));
    const error = await errorOf(resolveSecret({ awsSecret: arn, key: "passwd" }, moto.env));
    expect(error.message).toContain(arn);
    expect(error.message).toContain('no key "passwd"');
    expect(error.message).toContain("password, username");
    expect(error.message).not.toContain("never-shown-7f3a");
    expect(error.message).not.toContain('app"');
  });

  it("says a non-JSON secret cannot have a key without quoting it (JSON.parse would)", async () => {
    const { name } = await createSecret("hunter2-plain-text");
    const error = await errorOf(resolveSecret({ awsSecret: name, key: "password" }, moto.env));
    expect(error.message).toContain("not JSON");
    expect(error.message).toContain(name);
    expect(error.message).not.toContain("hunter2");
  });

  it("reports a secret that does not exist", async () => {
    const error = await errorOf(resolveSecret({ awsSecret: "igp/test/does-not-exist" }, moto.env));
    expect(error.message).toContain("igp/test/does-not-exist");
    expect(error.message).toContain("does not exist");
  });

  it("caches for the TTL and fetches the rotated value on forceRefresh", async () => {
    const { arn } = await createSecret(JSON.stringify({ password: "before-rotation" }));
    let clock = 0;
    const password = cachedSecret({ awsSecret: arn, key: "password" }, 60_000, { env: moto.env, now: () => clock });
    expect(await password(false)).toBe("before-rotation");
    await admin.send(new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify({ password: "after" }) }));
    expect(await password(false)).toBe("before-rotation");
    expect(await password(true)).toBe("after");
    await admin.send(new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify({ password: "later" }) }));
    clock = 60_001;
    expect(await password(false)).toBe("later");
  });
});

describe("credentials: one RDS-style secret for user and password", () => {
  const base = { driver: "postgres", host: "127.0.0.1", database: "sales" } as const;

  it("fills user and password from the secret", async () => {
    const { arn } = await createSecret(JSON.stringify({ username: "svc_sales", password: "pw-1", port: 5432 }));
    const db = parseConfig({ databases: { main: { ...base, credentials: { awsSecret: arn } } } }).databases
      .main as DatabaseConfig;
    expect(await credentialSourceFor(db, moto.env)(false)).toEqual({ user: "svc_sales", password: "pw-1" });
  });

  it("fills an Informix database's user and password from a secret with the server name", async () => {
    const { arn } = await createSecret(
      JSON.stringify({
        username: "informix_app",
        password: "ifx-pw",
        host: "ifx",
        port: 9089,
        dbname: "stores",
        server: "ol_prod",
      }),
    );
    const informix = {
      driver: "informix",
      host: "ifx",
      database: "stores",
      server: "ol_prod",
      credentials: { awsSecret: arn },
    };
    const db = parseConfig({ databases: { main: informix } }).databases.main as DatabaseConfig;
    expect(await credentialSourceFor(db, moto.env)(false)).toEqual({ user: "informix_app", password: "ifx-pw" });
  });

  it("refuses a secret without a password, naming the reference", async () => {
    const { arn } = await createSecret(JSON.stringify({ username: "svc_sales" }));
    const db = parseConfig({ databases: { main: { ...base, credentials: { awsSecret: arn } } } }).databases
      .main as DatabaseConfig;
    const error = await errorOf(credentialSourceFor(db, moto.env)(false));
    expect(error.message).toContain(arn);
    expect(error.message).toContain('no key "password"');
  });

  it("works from a JSON file too (a Kubernetes secret)", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const file = join(mkdtempSync(join(tmpdir(), "igp-cred-")), "db.json");
    writeFileSync(file, `${JSON.stringify({ username: "file_user", password: "file-pw" })}\n`);
    const db = parseConfig({ databases: { main: { ...base, credentials: { file } } } }).databases
      .main as DatabaseConfig;
    expect(await credentialSourceFor(db, {})(false)).toEqual({ user: "file_user", password: "file-pw" });
  });

  it("is exclusive with user, userSecret and password, and takes no key", () => {
    expect(() =>
      parseConfig({
        databases: { main: { ...base, user: "x", credentials: { awsSecret: "igp/x" } } },
      }),
    ).toThrow(/credentials supplies user and password/);
    expect(() =>
      parseConfig({
        databases: { main: { ...base, password: { env: "P" }, credentials: { awsSecret: "igp/x" } } },
      }),
    ).toThrow(/credentials supplies user and password/);
    expect(() =>
      parseConfig({
        databases: { main: { ...base, credentials: { awsSecret: "igp/x", key: "password" } } },
      }),
    ).toThrow(/remove key/);
    expect(() =>
      parseConfig({
        databases: {
          main: { driver: "informix", host: "h", database: "d", user: "u", credentials: { awsSecret: "igp/x" } },
        },
      }),
    ).toThrow(/credentials supplies user and password/);
  });
});
