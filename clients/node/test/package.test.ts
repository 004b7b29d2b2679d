// `npm pack` builds the package that would be published: it holds the compiled code, the type declarations and
// the README, and the packed code (not the sources) connects to the real proxy and runs a query.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { fixture } from "./support/fixture.js";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");

describe("npm pack", () => {
  // Unpacked inside the package folder so that the packed code resolves @grpc/grpc-js from the workspace.
  const work = mkdtempSync(join(pkgDir, ".pack-test-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("packs dist, types and README, and the packed code queries the proxy", async () => {
    const output = execFileSync("npm", ["pack", "--json", "--pack-destination", work], {
      cwd: pkgDir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    const [packed] = JSON.parse(output.slice(output.indexOf("["))) as Array<{
      name: string;
      filename: string;
      files: Array<{ path: string }>;
    }>;
    expect(packed?.name).toBe("@informix-grpc-proxy/client");
    const files = packed?.files.map((f) => f.path) ?? [];
    expect(files).toEqual(expect.arrayContaining(["dist/index.js", "dist/index.d.ts", "README.md", "package.json"]));
    expect(files.filter((f) => f.startsWith("src/") || f.startsWith("test/"))).toEqual([]);

    execFileSync("tar", ["-xzf", join(work, packed?.filename ?? ""), "-C", work]);
    const manifest = JSON.parse(readFileSync(join(work, "package", "package.json"), "utf8"));
    expect(manifest.private).toBeUndefined();
    expect(existsSync(join(work, "package", manifest.types))).toBe(true);
    const sdk = await import(pathToFileURL(join(work, "package", "dist", "index.js")).href);
    const client = new sdk.ProxyClient({ address: fixture().plain });
    try {
      const result = await client.query("SELECT name FROM products WHERE product_id = ?", [1]);
      expect(typeof result.rows[0]?.name).toBe("string");
    } finally {
      client.close();
    }
  });
});
