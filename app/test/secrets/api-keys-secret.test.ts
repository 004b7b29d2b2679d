// API keys kept in a secret (auth.apiKeysSecret): merged with inline keys, validated at start, errors that
// name the reference but never the secret's content.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/auth/api-key-authenticator.js";
import { generateApiKey } from "../../src/cli/hash-key-command.js";
import { call, clientWithMetadata, execRequest, expectStatus } from "../support/grpc-client.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

const clientWithKey = (address: string, key: string) => clientWithMetadata(address, { authorization: `Bearer ${key}` });

const roles = { reader: { databases: { main: { allow: ["read"] } } } };

describe("auth.apiKeysSecret", () => {
  const dir = mkdtempSync(join(tmpdir(), "igp-keys-"));
  const inlineKey = generateApiKey();
  const secretKey = generateApiKey();
  let t: TestProxy;
  beforeAll(async () => {
    const file = join(dir, "keys.json");
    writeFileSync(file, JSON.stringify([{ name: "from-secret", sha256: sha256Hex(secretKey), roles: ["reader"] }]));
    t = await startTestProxy("sqlite", {
      configPatch: {
        auth: {
          apiKeys: [{ name: "inline", sha256: sha256Hex(inlineKey), roles: ["reader"] }],
          apiKeysSecret: { file },
        },
        roles,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("accepts keys from the secret and from the file", async () => {
    for (const key of [secretKey, inlineKey]) {
      const client = clientWithKey(t.address, key);
      await call(client, "execute", execRequest({ sql: "SELECT 1" }));
      client.close();
    }
    const stranger = clientWithKey(t.address, generateApiKey());
    await expectStatus(call(stranger, "execute", execRequest({ sql: "SELECT 1" })), status.UNAUTHENTICATED);
    stranger.close();
  });

  it.each([
    ["not JSON", "sk-live-do-not-print {", /is not JSON/],
    ["not an array of entries", JSON.stringify({ name: "x" }), /expected array/],
    ["a bad hash", JSON.stringify([{ name: "x", sha256: "sk-live-do-not-print", roles: [] }]), /entry\[0\]\.sha256/],
    ["an undefined role", JSON.stringify([{ name: "x", sha256: "a".repeat(64), roles: ["admin"] }]), /role "admin"/],
    ["a duplicate name", JSON.stringify([{ name: "inline", sha256: "a".repeat(64), roles: [] }]), /used twice/],
  ])("refuses to start with %s, naming the reference and never the content", async (_name, content, pattern) => {
    const file = join(dir, `bad-${Math.random().toString(16).slice(2)}.json`);
    writeFileSync(file, content);
    const error = await startTestProxy("sqlite", {
      configPatch: {
        auth: { apiKeys: [{ name: "inline", sha256: sha256Hex(inlineKey), roles: [] }], apiKeysSecret: { file } },
        roles,
      },
    }).then(
      async (started) => {
        await started.close();
        return undefined;
      },
      (e: Error) => e,
    );
    expect(error?.message).toMatch(pattern);
    expect(error?.message).toContain(file);
    expect(error?.message).not.toContain("sk-live-do-not-print");
  });
});
