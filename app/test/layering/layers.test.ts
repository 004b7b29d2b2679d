// The layering rules of .dependency-cruiser.cjs (npm run lint:layers): the real sources pass, and each wrong-way
// import, placed in a scratch tree of empty modules, is reported by the rule that forbids it while the allowed
// directions pass.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { cruise, type ICruiseOptions, type IViolation } from "dependency-cruiser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const APP = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const config = createRequire(import.meta.url)(join(APP, ".dependency-cruiser.cjs")) as {
  forbidden: NonNullable<ICruiseOptions["ruleSet"]>["forbidden"];
  options: ICruiseOptions;
};

async function violationsIn(baseDir: string, withTsConfig: boolean): Promise<IViolation[]> {
  const { tsConfig: _tsConfig, ...options } = config.options;
  const result = await cruise(["src"], {
    ...options,
    ...(withTsConfig ? { tsConfig: { fileName: "tsconfig.build.json" } } : {}),
    baseDir,
    validate: true,
    ruleSet: { forbidden: config.forbidden },
  });
  if (typeof result.output === "string") throw new Error("expected a cruise result object");
  return result.output.summary.violations;
}

describe("the app's sources", () => {
  it("follow the layering with no violation", async () => {
    const violations = await violationsIn(APP, false);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });

  it("are all on the map in src/README.md, and every file the map names exists", () => {
    const readme = readFileSync(join(APP, "src", "README.md"), "utf8");
    const map = readme.slice(readme.indexOf("```"), readme.indexOf("```", readme.indexOf("```") + 3));
    const entries = readdirSync(join(APP, "src"), { withFileTypes: true })
      .filter((e) => e.name !== "README.md")
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
    expect(entries.filter((entry) => !map.includes(entry))).toEqual([]);
    const named = [...readme.matchAll(/`((?:[a-z-]+\/)+(?:[a-z-]+\.ts)?)`/g)]
      .map((m) => m[1] as string)
      .filter((path) => !path.startsWith("test/"));
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((path) => !existsSync(join(APP, "src", path)))).toEqual([]);
  });
});

// from, to (paths under src/), the rules expected to fire (none for an allowed direction)
const CASES: Array<[string, string, string[]]> = [
  ["core/a.ts", "rpc/b.ts", ["core-imports-nothing", "cross-cutting-below-stack"]],
  ["core/c.ts", "config/d.ts", ["core-imports-nothing"]],
  ["rpc/e.ts", "transport/f.ts", ["rpc-below-transport"]],
  ["policy/g.ts", "rpc/h.ts", ["domain-below-rpc"]],
  ["sessions/i.ts", "transport/j.ts", ["domain-below-rpc"]],
  ["policy/k.ts", "audit/l.ts", ["domain-peers-independent"]],
  ["auth/m.ts", "sessions/n.ts", ["domain-peers-independent"]],
  ["db/o.ts", "sessions/p.ts", ["db-below-domain"]],
  ["sql/q.ts", "db/r.ts", ["sql-below-db"]],
  ["observability/s.ts", "db/t.ts", ["cross-cutting-below-stack"]],
  ["config/u.ts", "secrets/v.ts", ["secrets-above-config"]],
  ["secrets/w.ts", "db/x.ts", ["cross-cutting-below-stack"]],
  ["config/y.ts", "observability/z.ts", ["config-observability-independent"]],
  ["observability/aa.ts", "config/ab.ts", ["observability-config-independent"]],
  ["transport/ac.ts", "proxy.ts", ["entry-points-on-top", "transport-top-layer"]],
  ["policy/ad.ts", "gen/ae.ts", ["generated-code-at-the-edge"]],
  ["gen/af.ts", "core/ag.ts", ["generated-code-imports-nothing"]],
  ["limits/ba.ts", "transport/bb.ts", ["limits-below-rpc"]],
  ["db/bc.ts", "limits/bd.ts", ["db-below-domain"]],
  // allowed directions
  ["db/ah.ts", "db/ai.ts", []],
  ["transport/aj.ts", "rpc/ak.ts", []],
  ["rpc/al.ts", "policy/am.ts", []],
  ["policy/an.ts", "sql/ao.ts", []],
  ["sessions/ap.ts", "db/aq.ts", []],
  ["db/ar.ts", "secrets/as.ts", []],
  ["secrets/at.ts", "config/au.ts", []],
  ["audit/av.ts", "core/aw.ts", []],
  ["rpc/ax.ts", "gen/ay.ts", []],
  ["cli/az.ts", "proxy.ts", []],
  ["transport/be.ts", "limits/bf.ts", []],
  ["limits/bg.ts", "db/bh.ts", []],
];

describe("a wrong-way import", () => {
  let root: string;
  let violations: IViolation[];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "layers-"));
    writeFileSync(join(root, "tsconfig.build.json"), JSON.stringify({ compilerOptions: { module: "nodenext" } }));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, "src", path)), { recursive: true });
      writeFileSync(join(root, "src", path), text);
    };
    for (const [from, to] of CASES) {
      let spec = relative(dirname(join("src", from)), join("src", to)).replace(/\.ts$/, ".js");
      if (!spec.startsWith(".")) spec = `./${spec}`;
      write(to, "export const value = 1;\n");
      write(from, `import { value } from "${spec}";\nexport const copy = value;\n`);
    }
    // the cycle rule: two modules that import each other
    write("sql/cycle-a.ts", 'import { b } from "./cycle-b.js";\nexport const a = () => b;\n');
    write("sql/cycle-b.ts", 'import { a } from "./cycle-a.js";\nexport const b = () => a;\n');
    violations = await violationsIn(root, true);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(CASES)("%s -> %s: %j", (from, to, rules) => {
    const fired = violations
      .filter((v) => v.from === `src/${from}` && v.to === `src/${to}`)
      .map((v) => v.rule.name)
      .sort();
    expect(fired).toEqual([...rules].sort());
  });

  it("a cycle", () => {
    expect(violations.filter((v) => v.rule.name === "no-circular").map((v) => v.from)).toContain("src/sql/cycle-a.ts");
  });
});
