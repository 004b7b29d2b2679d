// pino JSON logger. Parameter values, SQL parameters and credentials are never logged: the redact list is a
// second line of defence for fields that must never be passed to the logger in the first place.
import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger } from "pino";

export const REDACTED_PATHS = [
  "password",
  "*.password",
  "params",
  "*.params",
  "authorization",
  "*.authorization",
  "secret",
  "*.secret",
  "connectionString",
  "*.connectionString",
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: "informix-grpc-proxy" },
    redact: { paths: REDACTED_PATHS, censor: "<redacted>" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
