// The connection to the proxy: plaintext or TLS (own CA, client certificate for mTLS), and the bearer
// credential (API key or JWT, a fixed string or a function that returns a fresh token) sent on every call.
import { readFileSync } from "node:fs";
import { type ChannelCredentials, credentials, Metadata } from "@grpc/grpc-js";

export interface TlsOptions {
  /** CA certificate(s) that signed the proxy's certificate (PEM text, Buffer, or a file path); default: system roots. */
  ca?: string | Buffer;
  /** Client certificate and key for mTLS (PEM text, Buffer, or file paths). */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Overrides the name checked against the certificate (when connecting by IP to a DNS-named certificate). */
  serverName?: string;
}

export interface CredentialOptions {
  tls?: boolean | TlsOptions;
  /** An API key issued with `hash-api-key`; sent as `authorization: Bearer <key>`. */
  apiKey?: string;
  /** A JWT, or a function returning a current one (called before every call, so it can refresh). */
  token?: string | (() => string | Promise<string>);
}

function pem(value: string | Buffer | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  if (Buffer.isBuffer(value)) return value;
  return value.includes("-----BEGIN") ? Buffer.from(value) : readFileSync(value);
}

export function channelCredentials(options: CredentialOptions): {
  credentials: ChannelCredentials;
  channelOptions: Record<string, string>;
} {
  if (!options.tls) return { credentials: credentials.createInsecure(), channelOptions: {} };
  const tls = options.tls === true ? {} : options.tls;
  return {
    credentials: credentials.createSsl(pem(tls.ca) ?? null, pem(tls.key) ?? null, pem(tls.cert) ?? null),
    channelOptions: tls.serverName ? { "grpc.ssl_target_name_override": tls.serverName } : {},
  };
}

export function bearerSource(options: CredentialOptions): () => Promise<Metadata> {
  if (options.apiKey !== undefined && options.token !== undefined) {
    throw new TypeError("set apiKey or token, not both");
  }
  const fixed = options.apiKey ?? (typeof options.token === "string" ? options.token : undefined);
  const refresh = typeof options.token === "function" ? options.token : undefined;
  return async () => {
    const metadata = new Metadata();
    const bearer = refresh ? await refresh() : fixed;
    if (bearer) metadata.set("authorization", `Bearer ${bearer}`);
    return metadata;
  };
}
