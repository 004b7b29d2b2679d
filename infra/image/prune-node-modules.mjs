// Removes from production node_modules what Node never loads, in the image build (Dockerfile): source maps,
// TypeScript declarations, docs, and the alternative module builds of packages that have no "exports" map
// (Node then loads "main" only; "module"/"esnext" builds are for bundlers). Licences stay.
//   node prune-node-modules.mjs <node_modules>...
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

let removed = 0;
const remove = (path) => {
  try {
    removed += statSync(path).isDirectory() ? 0 : statSync(path).size;
  } catch {
    return;
  }
  rmSync(path, { recursive: true, force: true });
};

function sizeOf(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((n, e) => n + sizeOf(join(path, e)), 0);
}

function prunePackage(dir, pkg) {
  if (pkg.exports !== undefined || typeof pkg.main !== "string") return;
  const main = resolve(dir, pkg.main);
  for (const field of ["module", "esnext", "es2015", "browser"]) {
    const entry = typeof pkg[field] === "string" ? resolve(dir, pkg[field]) : undefined;
    if (!entry) continue;
    // The build folder of that entry (e.g. build/esm), unless "main" lives in it too.
    const folder = join(dir, relative(dir, entry).split("/").slice(0, 2).join("/"));
    if (
      folder === dir ||
      main.startsWith(`${folder}/`) ||
      !statSync(folder, { throwIfNoEntry: false })?.isDirectory()
    ) {
      continue;
    }
    removed += sizeOf(folder);
    rmSync(folder, { recursive: true, force: true });
  }
}

function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      walk(path);
    } else if (/\.(map|d\.ts|d\.mts|d\.cts|md|markdown)$/i.test(entry.name) && !/^licen[cs]e/i.test(entry.name)) {
      remove(path);
    }
    if (entry.isFile() && entry.name === "package.json") {
      try {
        prunePackage(dir, JSON.parse(readFileSync(path, "utf8")));
      } catch {
        // Not a package manifest (fixtures, nested test data): leave it.
      }
    }
  }
}

for (const root of process.argv.slice(2)) {
  if (statSync(root, { throwIfNoEntry: false })?.isDirectory()) walk(root);
}
console.log(`prune-node-modules: removed ${(removed / 1e6).toFixed(1)} MB`);
