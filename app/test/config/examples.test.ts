// Every example configuration in examples/ must load, with the secrets it references available.
import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { explainConfig } from "../../src/config/explain.js";
import { loadConfig } from "../../src/config/loader.js";

const examplesDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "examples");
const examples = (await readdir(examplesDir)).filter((name) => name.endsWith(".yaml")).sort();

describe("examples/*.yaml", () => {
  it("has the demo, postgres and informix examples", () => {
    expect(examples).toEqual(expect.arrayContaining(["demo-sqlite.yaml", "informix.yaml", "postgres.yaml"]));
  });

  it.each(examples)("%s validates and explains without warnings about ports", async (name) => {
    const { config } = await loadConfig({ file: join(examplesDir, name), env: {} });
    expect(Object.keys(config.databases).length).toBeGreaterThan(0);
    expect(explainConfig(config).filter((line) => line.includes("9088"))).toEqual([]);
  });

  it("the demo example is the embedded demo", async () => {
    const cwd = join(examplesDir, "..");
    const fromFile = await loadConfig({ file: join(examplesDir, "demo-sqlite.yaml"), env: {}, cwd });
    const embedded = await loadConfig({ env: {}, cwd });
    expect({ ...fromFile.config, databases: {} }).toEqual({ ...embedded.config, databases: {} });
    expect(fromFile.config.databases.demo).toMatchObject({ ...embedded.config.databases.demo, path: ".data/demo.db" });
  });
});
