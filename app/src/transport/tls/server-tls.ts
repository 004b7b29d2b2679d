// TLS for the gRPC port: loads the configured material, builds the credentials bindGrpc listens with, and
// checks the sources every reloadCheckMs so a rotated certificate is served to new connections without a
// restart. A reload that fails (missing file, key of another certificate, bad PEM) keeps the current material.
import type { TlsConfig } from "../../config/security-schema.js";
import type { Logger } from "../../observability/logger.js";
import { ReloadingServerCredentials } from "./reloading-server-credentials.js";
import { loadTlsMaterial, type TlsMaterial, type TlsMaterialSummary } from "./tls-material.js";

type Env = Record<string, string | undefined>;

export interface ServerTlsDeps {
  logger: Logger;
  env?: Env;
  /** A TLS handshake not finished by then closes the connection (server.connections.handshakeTimeoutMs). */
  handshakeTimeoutMs?: number;
}

export type ReloadOutcome = "unchanged" | "reloaded" | "failed";

export interface ServerTls {
  readonly credentials: ReloadingServerCredentials;
  /** The certificate being served now. */
  current(): TlsMaterialSummary;
  /** Checks the sources once (the timer calls this too). */
  reload(): Promise<ReloadOutcome>;
  /** Stops watching. */
  close(): void;
}

const EXPIRY_WARNING_MS = 14 * 86_400_000;

/** Fails (at startup) when the material cannot be loaded: better no listener than a broken one. */
export async function createServerTls(config: TlsConfig, deps: ServerTlsDeps): Promise<ServerTls> {
  const env = deps.env ?? process.env;
  const { logger } = deps;
  let material = await loadTlsMaterial(config, env);
  logLoaded(logger, material, "TLS certificate loaded", config);
  const credentials = new ReloadingServerCredentials(
    {
      minVersion: config.minVersion,
      requestClientCert: config.clientCa !== undefined,
      requireClientCert: config.requireClientCert,
      ...(deps.handshakeTimeoutMs === undefined ? {} : { handshakeTimeoutMs: deps.handshakeTimeoutMs }),
    },
    material.contextOptions,
  );

  let inFlight: Promise<ReloadOutcome> | undefined;
  let lastFailure: string | undefined;
  const check = async (): Promise<ReloadOutcome> => {
    let next: TlsMaterial;
    try {
      next = await loadTlsMaterial(config, env);
    } catch (error) {
      const message = (error as Error).message;
      // Once per distinct problem, not every check: a rotation left half-done should not flood the log.
      if (message !== lastFailure) {
        logger.warn(
          { error: message, serving: material.summary.fingerprint256 },
          "TLS reload failed; keeping the current certificate",
        );
        lastFailure = message;
      }
      return "failed";
    }
    lastFailure = undefined;
    if (next.digest === material.digest) return "unchanged";
    credentials.replace(next.contextOptions);
    const previous = material.summary.fingerprint256;
    material = next;
    logLoaded(logger, material, "TLS certificate reloaded", config, previous);
    return "reloaded";
  };
  const reload = () => {
    inFlight ??= check().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  const timer = setInterval(() => void reload(), config.reloadCheckMs);
  timer.unref();

  return {
    credentials,
    current: () => material.summary,
    reload,
    close: () => clearInterval(timer),
  };
}

function logLoaded(logger: Logger, material: TlsMaterial, message: string, config: TlsConfig, previous?: string): void {
  const { summary } = material;
  const fields = {
    ...summary,
    ...(previous ? { previousFingerprint256: previous } : {}),
    minVersion: config.minVersion,
    clientCertificates: config.clientCa ? (config.requireClientCert ? "required" : "optional") : "not requested",
  };
  logger.info(fields, message);
  const msLeft = Date.parse(summary.validTo) - Date.now();
  if (msLeft < EXPIRY_WARNING_MS) {
    logger.warn(
      { fingerprint256: summary.fingerprint256, validTo: summary.validTo },
      msLeft < 0 ? "TLS certificate has expired" : "TLS certificate expires within 14 days",
    );
  }
}
