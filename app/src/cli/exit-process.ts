// Ends the serve process after its graceful stop. Node joins every worker thread on exit, and a SQLite worker
// given up on inside one long SQLite step cannot be joined until that step returns (node:sqlite has no
// interrupt): process.exit would wait for it, minutes or forever. The stop has already drained the calls,
// rolled back the sessions and closed the pools, so the process then ends by SIGTERM's default action.
import { pino } from "pino";
import { abandonedThreads } from "../db/drivers/sqlite/index.js";
import type { Logger } from "../observability/logger.js";

export function exitProcess(code: number, logger: Logger): void {
  const running = abandonedThreads.count();
  if (running === 0) process.exit(code);
  logger.warn(
    { abandonedSqliteStatements: running, exitCode: code },
    "abandoned SQLite statements still run in their threads: ending the process by SIGTERM",
  );
  flushLogs(logger);
  process.removeAllListeners("SIGTERM");
  process.kill(process.pid, "SIGTERM");
}

/** Ending by a signal skips pino's exit-time flush of its buffered stdout writes. */
function flushLogs(logger: Logger): void {
  const stream = (logger as unknown as Record<symbol, { flushSync?: () => void } | undefined>)[pino.symbols.streamSym];
  try {
    stream?.flushSync?.();
  } catch {
    // a full pipe: the lines are lost, the exit is not
  }
}
