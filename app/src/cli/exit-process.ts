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
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    process.removeAllListeners("SIGTERM");
    process.kill(process.pid, "SIGTERM");
  };
  // Ending by a signal skips pino's exit-time flush: end the log stream (it writes what is pending, the write in
  // progress included) and go when it is done, or after a second at most.
  setTimeout(end, 1000).unref();
  endLogStream(logger, end);
}

interface EndableStream {
  end(): void;
  once(event: "finish" | "close", listener: () => void): void;
}

function endLogStream(logger: Logger, then: () => void): void {
  const stream = (logger as unknown as Record<symbol, Partial<EndableStream> | undefined>)[pino.symbols.streamSym];
  if (typeof stream?.end !== "function" || typeof stream.once !== "function") {
    then();
    return;
  }
  stream.once("finish", then);
  stream.once("close", then);
  try {
    stream.end();
  } catch {
    then();
  }
}
