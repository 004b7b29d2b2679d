// How the CLI reaches a proxy: the address (flag, else IGP_ADDRESS, else the configuration's server.host and
// grpcPort when --config or PROXY_CONFIG names one, else 127.0.0.1:50051), TLS (--tls, --ca/IGP_CA, a client
// certificate) and the bearer credential (--api-key/IGP_API_KEY or --token/IGP_TOKEN; the environment keeps
// secrets out of the process list and shell history).
import { readFileSync } from "node:fs";
import { type ChannelCredentials, credentials, Metadata } from "@grpc/grpc-js";
import { loadConfig } from "../config/loader.js";
import { SqlServiceClient } from "../gen/informix/proxy/v1/sql_service.js";

export interface ConnectionFlags {
  address?: string;
  config?: string;
  tls?: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  serverName?: string;
  apiKey?: string;
  token?: string;
}

export interface ProxyConnection {
  address: string;
  client: SqlServiceClient;
  /** Metadata for every call: the bearer credential, if any. */
  metadata(): Metadata;
  tls: boolean;
}

type Env = Record<string, string | undefined>;

/** The configured gRPC address, as a client on this host reaches it (a wildcard bind is reached on loopback). */
async function configuredAddress(file: string | undefined, env: Env): Promise<string | undefined> {
  if (!file && !env.PROXY_CONFIG) return undefined;
  const { config } = await loadConfig({ ...(file ? { file } : {}), env });
  const wildcard = config.server.host === "0.0.0.0" || config.server.host === "::";
  const host = wildcard ? "127.0.0.1" : config.server.host;
  return `${host.includes(":") ? `[${host}]` : host}:${config.server.grpcPort}`;
}

export async function resolveAddress(flags: ConnectionFlags, env: Env): Promise<string> {
  return flags.address ?? env.IGP_ADDRESS ?? (await configuredAddress(flags.config, env)) ?? "127.0.0.1:50051";
}

export async function openConnection(flags: ConnectionFlags, env: Env = process.env): Promise<ProxyConnection> {
  const address = await resolveAddress(flags, env);
  const ca = flags.ca ?? env.IGP_CA;
  const tls = flags.tls === true || ca !== undefined || flags.cert !== undefined;
  const apiKey = flags.apiKey ?? (flags.token === undefined ? env.IGP_API_KEY : undefined);
  const token = flags.token ?? (apiKey === undefined ? env.IGP_TOKEN : undefined);
  if (apiKey !== undefined && token !== undefined) throw new Error("use --api-key or --token, not both");
  if (!tls && (apiKey || token) && !isLoopback(address)) {
    throw new Error("refusing to send credentials without TLS to a non-loopback address: add --tls (and --ca)");
  }
  let channel: ChannelCredentials = credentials.createInsecure();
  if (tls) {
    const read = (path: string | undefined) => (path ? readFileSync(path) : null);
    channel = credentials.createSsl(read(ca), read(flags.key), read(flags.cert));
  }
  const options = flags.serverName ? { "grpc.ssl_target_name_override": flags.serverName } : {};
  const bearer = apiKey ?? token;
  return {
    address,
    tls,
    client: new SqlServiceClient(address, channel, options),
    metadata: () => {
      const metadata = new Metadata();
      if (bearer) metadata.set("authorization", `Bearer ${bearer}`);
      return metadata;
    },
  };
}

function isLoopback(address: string): boolean {
  const host = address.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}
