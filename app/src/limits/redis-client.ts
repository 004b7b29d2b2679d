// The Redis connection of the shared limits (ioredis). It never holds a call up: commands fail at once while
// disconnected (no offline queue) and the limit check falls back to this replica's counters; ioredis keeps
// reconnecting in the background. The password comes from a secret reference and is never logged.
import { Redis } from "ioredis";
import type { RedisLimitsStore } from "../config/limits-schema.js";
import type { Logger } from "../observability/logger.js";
import { resolveSecret } from "../secrets/resolve-secret.js";

export interface LimitsRedis {
  client: Redis;
  /** Connected and answering. */
  up(): boolean;
  close(): Promise<void>;
}

/** The URL without anything after the host (a database number is harmless, but keep the log line short). */
function hostOf(url: string): string {
  return new URL(url).host;
}

export async function connectLimitsRedis(
  config: RedisLimitsStore,
  deps: { env: Record<string, string | undefined>; logger: Logger },
): Promise<LimitsRedis> {
  const password = config.password ? await resolveSecret(config.password, deps.env) : undefined;
  const client = new Redis(config.url, {
    ...(config.username ? { username: config.username } : {}),
    ...(password !== undefined ? { password } : {}),
    connectTimeout: config.connectTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // Back off up to 2 s between reconnects; never give up (the fallback covers the gap).
    retryStrategy: (attempt) => Math.min(2000, attempt * 100),
  });
  const host = hostOf(config.url);
  let down = false;
  client.on("ready", () => {
    if (down) deps.logger.info({ redis: host }, "limits store reachable again");
    down = false;
  });
  client.on("error", (error: Error) => {
    // One line per outage, not one per reconnect attempt.
    if (down) return;
    down = true;
    deps.logger.warn(
      { redis: host, err: error.message },
      "limits store unreachable: each replica applies its own limits until it is back",
    );
  });
  return {
    client,
    up: () => client.status === "ready",
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
