// A real AWS Secrets Manager emulator for the tests: moto in server mode (PyPI `moto[server]`), installed on first
// use into a Python virtual environment under ~/.cache (or IGP_MOTO_VENV), so a fresh clone needs only python3.
// No pip, no venv module or no package index is a test failure with the reason, never a silent skip.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Pinned so a moto release cannot change the tests' ground under them. */
export const MOTO_REQUIREMENT = "moto[server]==5.2.5";

export interface MotoServer {
  endpoint: string;
  /** What an AWS SDK client needs to talk to this server: fake keys, a region, the endpoint. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

function venvDir(): string {
  return process.env.IGP_MOTO_VENV ?? join(homedir(), ".cache", "informix-grpc-proxy", "moto-venv-5.2.5");
}

async function runStep(description: string, command: string, args: string[]): Promise<void> {
  try {
    await run(command, args, { maxBuffer: 16 * 1024 * 1024, timeout: 600_000 });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(
      `moto test support: ${description} failed. The Secrets Manager tests need ` +
        `python3 with the venv module and pip reaching PyPI (set IGP_MOTO_VENV to a venv that has ${MOTO_REQUIREMENT}).\n` +
        `${e.stderr || e.message}`,
    );
  }
}

/**
 * Creates the virtual environment and installs moto once. Test files run in parallel forks: an exclusive flock
 * on a file beside the venv makes the second one wait for the first install instead of racing it.
 */
export async function ensureMoto(): Promise<string> {
  const dir = venvDir();
  const python = join(dir, "bin", "python");
  const marker = join(dir, ".moto-installed");
  if (existsSync(marker)) return python;
  mkdirSync(dirname(dir), { recursive: true });
  const script = [
    "set -e",
    `if [ ! -f "$1/.moto-installed" ]; then`,
    `  rm -rf "$1"`,
    `  python3 -m venv "$1"`,
    `  "$1/bin/python" -m pip install --quiet --disable-pip-version-check "$2"`,
    `  touch "$1/.moto-installed"`,
    "fi",
  ].join("\n");
  await runStep(`installing ${MOTO_REQUIREMENT} into ${dir}`, "flock", [
    `${dir}.lock`,
    "sh",
    "-c",
    script,
    "sh",
    dir,
    MOTO_REQUIREMENT,
  ]);
  return python;
}

// ThreadedMotoServer on port 0 picks a free port itself and tells it: no port race between parallel test files.
// The server lives until its stdin closes, so it cannot outlive the test process.
const SERVER_SCRIPT = `
import sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
host, port = server.get_host_and_port()
print(f"PORT {port}", flush=True)
sys.stdin.read()
server.stop()
`;

export async function startMoto(): Promise<MotoServer> {
  const python = await ensureMoto();
  const child: ChildProcess = spawn(python, ["-c", SERVER_SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      const match = /^PORT (\d+)$/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`moto server exited (${code}) before listening:\n${stderr.join("")}`)),
    );
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    env: {
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.stdin?.end();
      await exited;
    },
  };
}
