// Child processes of the load test: started with a bounded wait for readiness, stopped on the way out,
// and one-shot commands killed when they overrun their time budget; CPU time of a process read from /proc.
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { readFileSync } from "node:fs";

const running = new Set<ChildProcess>();

export function startLongRunning(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options);
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

/** Resolves with the first stdout match of the pattern; rejects if the process exits or the wait runs out. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => done(new Error(`no ${pattern} within ${timeoutMs} ms; output: ${seen}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match) done(null, match);
    };
    const onExit = (code: number | null) => done(new Error(`exited (${code}) before ${pattern}; output: ${seen}`));
    function done(error: Error | null, match?: RegExpExecArray) {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve(match as RegExpExecArray);
    }
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
}

/** Polls an HTTP URL until it answers 200; fails early if the process dies. */
export async function waitForHttpOk(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before ${url} answered`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** Runs a command to completion, killing it after timeoutMs; resolves with stdout, rejects on failure. */
export function runBounded(
  command: string,
  args: string[],
  options: SpawnOptions & { timeoutMs: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(
            `${command} ${signal === "SIGKILL" ? `overran ${options.timeoutMs} ms` : `exited ${code}`}: ${stderr.trim()}`,
          ),
        );
    });
  });
}

/** SIGTERM to every child still running, then SIGKILL to those that ignore it. */
export async function stopAll(graceMs = 5000): Promise<void> {
  const children = [...running];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
          child.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill("SIGTERM");
        }),
    ),
  );
}

/** User + system CPU seconds a process has used so far (Linux /proc; NaN elsewhere). Clock ticks are 100/s. */
export function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesized command name; utime and stime are fields 14 and 15 of the whole line.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Sends a signal to every child still running, synchronously: usable where the process may exit next. */
export function signalAll(signal: NodeJS.Signals): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}
