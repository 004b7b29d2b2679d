// Regenerates config.schema.json and the reference section of docs/configuration.md from the zod schema.
// Runs on the compiled code: `npm run build` first. `--check` only reports drift (exit 1), for CI.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { buildReferenceMarkdown, jsonSchemaText, spliceReference } = await import(
  join(root, "app", "dist", "config", "json-schema.js")
);

const check = process.argv.includes("--check");
const targets = [
  { path: join(root, "config.schema.json"), expected: () => jsonSchemaText() },
  {
    path: join(root, "docs", "configuration.md"),
    expected: (current) => spliceReference(current, buildReferenceMarkdown()),
  },
];

let stale = 0;
for (const { path, expected } of targets) {
  let current = "";
  try {
    current = readFileSync(path, "utf8");
  } catch {
    // A missing schema file is simply generated; the document needs its hand-written intro and markers.
  }
  const next = expected(current);
  if (next === current) continue;
  stale++;
  if (check) console.error(`${path} is out of date: run npm run gen:config-schema`);
  else {
    writeFileSync(path, next);
    console.log(`wrote ${path}`);
  }
}
process.exitCode = check && stale ? 1 : 0;
