// Changes the log level of a running proxy without a restart: each SIGUSR2 switches between the configured level
// and debug (or from debug to trace when debug is configured), and says so in the log. A signal needs shell access
// to the host or `kill` in the container, so it opens no network surface; SIGUSR1 is Node's inspector.
import type { Logger } from "./logger.js";

export function verboseLevelFor(configured: string): string {
  return configured === "debug" ? "trace" : "debug";
}

/** Switches the level once; returns the new level. */
export function toggleLogLevel(logger: Logger, configured: string): string {
  const next = logger.level === configured ? verboseLevelFor(configured) : configured;
  logger.level = next;
  // At warn, so the change is on record unless the configured level hides warnings too.
  logger.warn({ newLevel: next, configured }, "log level changed");
  return next;
}

/** Installs the SIGUSR2 handler; returns its removal. */
export function toggleLogLevelOnSignal(
  logger: Logger,
  configured: string,
  signal: NodeJS.Signals = "SIGUSR2",
): () => void {
  const handler = () => void toggleLogLevel(logger, configured);
  process.on(signal, handler);
  return () => process.off(signal, handler);
}
