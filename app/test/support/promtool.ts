// Finds promtool (Debian's prometheus package, or the infra-tools cache of .ci/infra-tools.sh) and runs it. A test
// that needs it fails with the install command when it is missing: a skipped check would pass silently.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export function promtoolPath(): string {
  const cached = join(homedir(), ".cache/informix-grpc-proxy/infra-tools/bin/promtool");
  for (const candidate of [process.env.PROMTOOL, "/usr/bin/promtool", cached]) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  const onPath = spawnSync("sh", ["-c", "command -v promtool"], { encoding: "utf8" }).stdout.trim();
  if (onPath) return onPath;
  throw new Error("promtool not found: run bash .ci/infra-tools.sh (Debian package prometheus) or set PROMTOOL");
}

export function runPromtool(args: string[], input?: string): { code: number; output: string } {
  const result = spawnSync(promtoolPath(), args, { encoding: "utf8", ...(input === undefined ? {} : { input }) });
  return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}
