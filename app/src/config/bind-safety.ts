// Secure by default: a listener reachable from other machines needs TLS and authentication, or an explicit
// `server.insecure: true` in the configuration.
import { isIPv4, isIPv6 } from "node:net";
import { ConfigError } from "./config-error.js";
import type { ProxyConfig } from "./schema.js";

/** 127.0.0.0/8, ::1 (also IPv4-mapped 127.x) and localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host
    .trim()
    .replace(/^\[(.*)\]$/, "$1")
    .toLowerCase();
  if (bare === "localhost" || bare === "localhost.") return true;
  if (isIPv4(bare)) return bare.startsWith("127.");
  if (isIPv6(bare)) {
    const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
    if (mapped?.[1]) return mapped[1].startsWith("127.");
    const groups = expandIPv6(bare);
    if (!groups) return false;
    return groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1;
  }
  return false;
}

function expandIPv6(address: string): number[] | undefined {
  if (address.includes(".")) return undefined;
  const [head = "", tail] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill("0");
  const groups = [...left, ...zeros, ...right].map((g) => Number.parseInt(g, 16));
  return groups.length === 8 ? groups : undefined;
}

/** TLS on the gRPC port and at least one authentication method. */
function hasTlsAndAuthentication(config: ProxyConfig): boolean {
  const auth = config.auth;
  const hasMethod =
    auth !== undefined &&
    (auth.apiKeys.length > 0 || auth.apiKeysSecret !== undefined || auth.jwt !== undefined || auth.mtls !== undefined);
  return config.server.tls !== undefined && hasMethod;
}

export function assertSafeBind(config: ProxyConfig, source = "the configuration"): void {
  const { host, insecure } = config.server;
  if (isLoopbackHost(host) || insecure || hasTlsAndAuthentication(config)) return;
  throw new ConfigError(source, [
    {
      path: "server.host",
      message:
        `refusing to listen on ${JSON.stringify(host)}, a non-loopback address, without TLS and authentication; ` +
        "configure server.tls and an auth method (apiKeys, jwt or mtls), or set server.insecure: true " +
        "(anyone who can reach the port can then run SQL)",
    },
  ]);
}
