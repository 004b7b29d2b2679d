// Regenerates src/gen from the repository's proto/ (API v1 and google.rpc details). Never edit src/gen.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(pkg, "..", "..");
rmSync(join(pkg, "src", "gen"), { recursive: true, force: true });
execFileSync(
  join(root, "node_modules", ".bin", "buf"),
  [
    "generate",
    join(root, "proto"),
    "--template",
    join(pkg, "buf.gen.yaml"),
    "--include-imports",
    "--path",
    join(root, "proto", "informix", "proxy"),
    "--path",
    join(root, "proto", "google", "rpc"),
  ],
  { cwd: pkg, stdio: "inherit" },
);
