// grpc-js server options for HTTP/2 keepalive and connection age. Behind a load balancer, server pings keep idle
// connections open past the balancer's idle timeout, and a maximum connection age makes long-lived clients
// reconnect, so new replicas get traffic after a scale-out (a session lives on one connection: clients open
// it again after a reconnect).
import type { ChannelOptions } from "@grpc/grpc-js";
import type { z } from "zod";
import type { KeepaliveConfig } from "../config/schema.js";

export function keepaliveOptions(keepalive: z.infer<typeof KeepaliveConfig>): ChannelOptions {
  return {
    "grpc.keepalive_time_ms": keepalive.timeMs,
    "grpc.keepalive_timeout_ms": keepalive.timeoutMs,
    // Ping connections with no call in flight too: those are the ones a load balancer drops.
    "grpc.keepalive_permit_without_calls": 1,
    ...(keepalive.maxConnectionAgeMs > 0
      ? {
          "grpc.max_connection_age_ms": keepalive.maxConnectionAgeMs,
          "grpc.max_connection_age_grace_ms": keepalive.maxConnectionAgeGraceMs,
        }
      : {}),
  };
}
