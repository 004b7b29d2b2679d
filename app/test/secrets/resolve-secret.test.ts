import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DatabaseConfig } from "../../src/config/schema.js";
import { DatabaseConfig as DatabaseSchema } from "../../src/config/schema.js";
import { cachedSecret, credentialSourceFor, resolveSecret, SecretError } from "../../src/secrets/resolve-secret.js";
import { scratchDir } from "../config/helpers.js";

const SECRET = "s3cr3t-value-never-printed";

async function secretFile(content: string): Promise<string> {
  const file = join(await scratchDir(), "secret");
  await writeFile(file, content);
  return file;
}

async function errorOf(promise: Promise<unknown>): Promise<SecretError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SecretError)) throw new Error(`expected a SecretError, got ${String(error)}`);
  return error;
}

describe("resolveSecret", () => {
  it("reads an environment variable", async () => {
    expect(await resolveSecret({ env: "PG_PASSWORD" }, { PG_PASSWORD: SECRET })).toBe(SECRET);
  });

  it("refuses a missing or empty variable, naming it", async () => {
    const missing = await errorOf(resolveSecret({ env: "PG_PASSWORD" }, {}));
    expect(missing.message).toBe("secret { env: PG_PASSWORD }: environment variable is not set");
    const empty = await errorOf(resolveSecret({ env: "PG_PASSWORD" }, { PG_PASSWORD: "" }));
    expect(empty.message).toContain("is empty");
  });

  it("reads a file and trims one trailing newline only", async () => {
    expect(await resolveSecret({ file: await secretFile(`${SECRET}\n`) }, {})).toBe(SECRET);
    expect(await resolveSecret({ file: await secretFile(`${SECRET}\r\n`) }, {})).toBe(SECRET);
    expect(await resolveSecret({ file: await secretFile(` ${SECRET} \n\n`) }, {})).toBe(` ${SECRET} \n`);
  });

  it("names a missing, unreadable or empty file without printing content", async () => {
    const dir = await scratchDir();
    const missing = await errorOf(resolveSecret({ file: join(dir, "nope") }, {}));
    expect(missing.message).toBe(`secret { file: ${join(dir, "nope")} }: cannot read the file (ENOENT)`);
    const empty = await errorOf(resolveSecret({ file: await secretFile("\n") }, {}));
    expect(empty.message).toContain("the file is empty");
    if (process.getuid?.() !== 0) {
      const locked = await secretFile(SECRET);
      await chmod(locked, 0o000);
      const error = await errorOf(resolveSecret({ file: locked }, {}));
      expect(error.message).toContain("EACCES");
      expect(error.message).not.toContain(SECRET);
    }
  });
});

describe("cachedSecret", () => {
  it("keeps the value for ttlMs, then reads again; forceRefresh reads at once", async () => {
    const env: Record<string, string> = { TOKEN: "one" };
    let clock = 1_000;
    const get = cachedSecret({ env: "TOKEN" }, 60_000, { env, now: () => clock });
    expect(await get(false)).toBe("one");
    env.TOKEN = "two";
    clock += 59_999;
    expect(await get(false)).toBe("one");
    clock += 1;
    expect(await get(false)).toBe("two");
    env.TOKEN = "three";
    expect(await get(true)).toBe("three");
  });

  it("shares one lookup between concurrent callers", async () => {
    const file = await secretFile("v\n");
    const get = cachedSecret({ file }, 1000);
    const first = get(false);
    expect(get(false)).toBe(first);
    expect(await first).toBe("v");
  });

  it("does not cache failures", async () => {
    const env: Record<string, string> = {};
    const get = cachedSecret({ env: "LATE" }, 60_000, { env, now: () => 0 });
    await expect(get(false)).rejects.toBeInstanceOf(SecretError);
    env.LATE = "here";
    expect(await get(false)).toBe("here");
  });
});

describe("credentialSourceFor", () => {
  const parse = (input: unknown): DatabaseConfig => DatabaseSchema.parse(input);

  it("is undefined for sqlite", async () => {
    const source = credentialSourceFor(parse({ driver: "sqlite", path: "x.db" }), {});
    expect(await source(false)).toBeUndefined();
  });

  it("literal user and password reference", async () => {
    const db = parse({ driver: "postgres", host: "h", database: "d", user: "app", password: { env: "PW" } });
    expect(await credentialSourceFor(db, { PW: SECRET })(false)).toEqual({ user: "app", password: SECRET });
  });

  it("user from a secret file, password from env; refresh picks up rotation", async () => {
    const userFile = await secretFile("informix\n");
    const env: Record<string, string> = { IFX_PW: "old" };
    const db = parse({
      driver: "informix",
      host: "h",
      database: "d",
      userSecret: { file: userFile },
      password: { env: "IFX_PW" },
    });
    const source = credentialSourceFor(db, env);
    expect(await source(false)).toEqual({ user: "informix", password: "old" });
    env.IFX_PW = "new";
    expect(await source(false)).toEqual({ user: "informix", password: "old" });
    expect(await source(true)).toEqual({ user: "informix", password: "new" });
  });

  it("no credentials configured: the driver's defaults", async () => {
    const db = parse({ driver: "postgres", host: "h", database: "d" });
    expect(await credentialSourceFor(db, {})(false)).toBeUndefined();
  });

  it("a missing secret fails when a connection needs it, naming the reference", async () => {
    const db = parse({ driver: "postgres", host: "h", database: "d", user: "u", password: { env: "MISSING_PW" } });
    await expect(credentialSourceFor(db, {})(false)).rejects.toThrow("secret { env: MISSING_PW }");
  });
});
