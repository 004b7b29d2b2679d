// Regenerates app/src/gen from proto/ with buf + ts-proto. Never edit app/src/gen by hand.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
rmSync(join(root, "app", "src", "gen"), { recursive: true, force: true });
execFileSync(join(root, "node_modules", ".bin", "buf"), ["generate", "--template", "buf.gen.yaml", "--include-imports"], {
  cwd: root,
  stdio: "inherit",
});
