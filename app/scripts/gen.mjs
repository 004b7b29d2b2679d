// Regenerates app/src/gen from proto/ with buf + ts-proto. Never edit app/src/gen by hand.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
rmSync(join(root, "app", "src", "gen"), { recursive: true, force: true });
const buf = join(root, "node_modules", ".bin", "buf");
execFileSync(
  buf,
  [
    "generate",
    "--template",
    "buf.gen.yaml",
    "--include-imports",
    "--path",
    "proto/informix",
    "--path",
    "proto/google/rpc",
  ],
  {
    cwd: root,
    stdio: "inherit",
  },
);
// The exact descriptors of every served proto (API, health, their imports) for server reflection.
execFileSync(buf, ["build", "--as-file-descriptor-set", "-o", join("app", "src", "gen", "descriptors.binpb")], {
  cwd: root,
  stdio: "inherit",
});
