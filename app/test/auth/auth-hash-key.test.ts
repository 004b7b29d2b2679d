// The hash-api-key command: the key it prints authenticates against the configuration entry it prints.

import { PassThrough, Readable } from "node:stream";
import { Metadata } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createApiKeyAuthenticator, sha256Hex } from "../../src/auth/api-key-authenticator.js";
import { runHashKeyCommand } from "../../src/cli/hash-key-command.js";
import { ApiKeyConfig } from "../../src/config/security-schema.js";
import type { GrpcCallContext } from "../../src/transport/grpc-call-context.js";

async function run(options: { stdin?: string; name?: string; roles?: string[] } = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (c) => (stdout += String(c)));
  err.on("data", (c) => (stderr += String(c)));
  const code = await runHashKeyCommand(
    { name: options.name ?? "reporting", roles: options.roles ?? ["reader"], stdin: options.stdin !== undefined },
    { input: Readable.from(options.stdin === undefined ? [] : [options.stdin]), out, err },
  );
  return { code, stdout, stderr };
}

function bearerContext(key: string): GrpcCallContext {
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${key}`);
  return { metadata } as GrpcCallContext;
}

describe("hash-api-key", () => {
  it("generates a fresh key each time, and its printed entry authenticates it", async () => {
    const first = await run();
    const second = await run();
    expect(first.code).toBe(0);
    const key = /^key: (\S+)$/m.exec(first.stdout)?.[1] ?? "";
    expect(key).toMatch(/^igp_[A-Za-z0-9_-]{43}$/);
    expect(second.stdout).not.toContain(key);
    expect(first.stdout).toContain(`sha256: ${sha256Hex(key)}`);
    const yamlPart = first.stdout
      .split("\n")
      .filter((l) => l.startsWith("  "))
      .join("\n");
    const [entry] = (parse(yamlPart) as unknown[]).map((e) => ApiKeyConfig.parse(e));
    expect(entry).toEqual({ name: "reporting", sha256: sha256Hex(key), roles: ["reader"] });
    const authenticator = createApiKeyAuthenticator([entry as ApiKeyConfig]);
    expect(await authenticator.authenticate(bearerContext(key))).toMatchObject({
      kind: "authenticated",
      identity: { id: "api_key:reporting", roles: ["reader"] },
    });
  });

  it("hashes a key given on stdin, without its trailing newline", async () => {
    const key = "my-own-key-with-enough-entropy-0123456789";
    const result = await run({ stdin: `${key}\n` });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`sha256: ${sha256Hex(key)}`);
  });

  it.each([
    ["short", "too-short"],
    ["spaces", "a key with spaces in it that is long enough"],
    ["a JWT", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLWJ5dGVz"],
  ])("refuses a %s key from stdin", async (_label, key) => {
    const result = await run({ stdin: key });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^hash-api-key: /);
  });
});
