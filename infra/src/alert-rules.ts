// Reads the Prometheus rule files in alerts/ so the managed workspace runs exactly what promtool tested.
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ALERTS_DIR = fileURLToPath(new URL("../../alerts/", import.meta.url));

export interface RuleFile {
  /** File name without extension; becomes the rule groups namespace name. */
  readonly name: string;
  readonly content: string;
}

export function readAlertRuleFiles(dir: string = ALERTS_DIR): RuleFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"))
    .sort()
    .map((f) => ({ name: basename(f).replace(/\.ya?ml$/, ""), content: readFileSync(join(dir, f), "utf8") }));
}
