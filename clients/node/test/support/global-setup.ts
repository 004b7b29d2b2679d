// The running proxies for the SDK tests: read from IGP_FIXTURE (a JSON file .ci/clients.sh wrote), or started
// here with clients/testing/proxy-fixture.ts and stopped at the end.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

export interface FixtureInfo {
  plain: string;
  secure: string;
  caFile: string;
  apiKey: string;
  databases: { sqlite: string; postgres: string };
}

declare module "vitest" {
  export interface ProvidedContext {
    fixture: FixtureInfo;
  }
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const file = process.env.IGP_FIXTURE;
  if (file) {
    project.provide("fixture", JSON.parse(readFileSync(file, "utf8")) as FixtureInfo);
    return undefined;
  }
  const child: ChildProcess = spawn(
    join(root, "node_modules", ".bin", "node"),
    ["--import", "tsx", join(root, "clients", "testing", "proxy-fixture.ts"), "--watch-stdin"],
    { cwd: root, stdio: ["pipe", "pipe", "inherit"] },
  );
  const info = await new Promise<FixtureInfo>((resolve, reject) => {
    let buffer = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf("\n");
      if (newline >= 0) resolve(JSON.parse(buffer.slice(0, newline)) as FixtureInfo);
    });
    child.once("exit", (code) => reject(new Error(`proxy fixture exited ${code}`)));
  });
  project.provide("fixture", info);
  return async () => {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
}
