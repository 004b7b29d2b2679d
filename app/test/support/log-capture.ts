// A real pino logger whose JSON lines land in an array, for tests that check what is (and is not) logged.
import { createLogger, type Logger } from "../../src/observability/logger.js";

export interface LogCapture {
  lines: string[];
  logger: Logger;
  records(): Record<string, unknown>[];
}

export function captureLogs(level = "info"): LogCapture {
  const lines: string[] = [];
  return {
    lines,
    logger: createLogger(level, { write: (line: string) => void lines.push(line) }),
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
