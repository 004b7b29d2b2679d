// Configuration of admission control: request rates and in-flight caps per caller (in memory, or in Redis for a
// fleet of replicas), a cap on calls queued for a pooled connection, load shedding on event-loop lag, and the
// TCP connection hygiene of the gRPC port. Implemented in limits/ and transport/connection-gate.ts.
import { z } from "zod";
import { SecretRef } from "./schema-secret.js";

export const RateConfig = z
  .strictObject({
    requests: z.number().int().min(1).describe("Calls allowed in each window"),
    perSeconds: z.number().min(0.001).default(1).describe("Length of the window in seconds (fixed windows)"),
  })
  .describe("A request rate: requests per perSeconds");
export type RateConfig = z.infer<typeof RateConfig>;

const LimitedClass = z.enum(["read", "write", "ddl", "procedure", "admin", "transaction", "session"]);

export const RedisLimitsStore = z
  .strictObject({
    url: z
      .string()
      .regex(/^rediss?:\/\//, "a redis:// or rediss:// URL")
      .refine((url) => !/^rediss?:\/\/[^/@]*:[^/@]*@/.test(url), {
        message: "no password in the URL: use password: { env | file | awsSecret }",
      })
      .describe("redis://host:port[/db], or rediss:// for TLS (ElastiCache in-transit encryption)"),
    username: z.string().min(1).optional().describe("ACL user name (Redis 6+)"),
    password: SecretRef.optional().describe("Password or ElastiCache AUTH token, from a secret reference"),
    keyPrefix: z.string().default("igp:limits:").describe("Prefix of every key the proxy writes"),
    commandTimeoutMs: z
      .number()
      .int()
      .min(1)
      .default(100)
      .describe("A limit check that takes longer falls back to this replica's own in-memory limits"),
    connectTimeoutMs: z.number().int().min(1).default(2000).describe("Connection attempt bound"),
  })
  .describe("Redis holding the limits every replica shares");

export const RateLimitsConfig = z
  .strictObject({
    store: z
      .enum(["memory", "redis"])
      .default("memory")
      .describe("memory: limits per replica; redis: limits shared by every replica (fleet)"),
    redis: RedisLimitsStore.optional(),
    perIdentity: z
      .strictObject({
        rate: RateConfig.optional().describe("Calls per caller identity; absent = no rate limit"),
        maxInFlight: z
          .number()
          .int()
          .min(0)
          .default(0)
          .describe("Calls of one caller identity running at once; 0 = no cap"),
      })
      .default({ maxInFlight: 0 })
      .describe("Limits of each caller identity (API key, JWT subject, certificate, or peer address)"),
    perClass: z
      .partialRecord(LimitedClass, RateConfig)
      .default({})
      .describe("Statements per caller identity and statement class, e.g. { write: { requests: 50 } }"),
    maxPoolWaiters: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "Calls waiting for a pooled connection of one database; beyond, RESOURCE_EXHAUSTED at once; 0 = no cap",
      ),
    inFlightLeaseSeconds: z
      .number()
      .int()
      .min(1)
      .default(900)
      .describe("In Redis, an in-flight count expires this long after it was taken (a replica that died frees it)"),
    retryAfterMs: z
      .number()
      .int()
      .min(1)
      .default(200)
      .describe("RetryInfo delay for refusals without a natural one (in-flight cap, pool queue)"),
  })
  .superRefine((limits, ctx) => {
    if (limits.store === "redis" && !limits.redis) {
      ctx.addIssue({ code: "custom", path: ["redis"], message: "store: redis needs redis: { url }" });
    }
  })
  .describe("Admission limits; refused calls get RESOURCE_EXHAUSTED with RetryInfo");
export type RateLimitsConfig = z.infer<typeof RateLimitsConfig>;
export type RedisLimitsStore = z.infer<typeof RedisLimitsStore>;

export const OverloadConfig = z
  .strictObject({
    maxEventLoopDelayMs: z
      .number()
      .min(0)
      .default(200)
      .describe(
        "Shed new calls (UNAVAILABLE with RetryInfo) while the mean event-loop delay of the last window exceeds this; 0 = never",
      ),
    windowMs: z.number().int().min(100).default(1000).describe("Length of the event-loop delay window"),
    windows: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe("Consecutive windows above the delay before shedding starts (a short burst of load does not shed)"),
    retryAfterMs: z.number().int().min(1).default(1000).describe("RetryInfo delay of a shed call"),
  })
  .describe("Load shedding before latency collapses");
export type OverloadConfig = z.infer<typeof OverloadConfig>;

export const ConnectionsConfig = z
  .strictObject({
    maxPerPeer: z
      .number()
      .int()
      .min(0)
      .default(1024)
      .describe(
        "Open TCP connections from one client address on the gRPC port; 0 = no cap. Behind a load balancer that does not keep client addresses, its nodes are the peers",
      ),
    maxTotal: z.number().int().min(0).default(10_000).describe("Open TCP connections on the gRPC port; 0 = no cap"),
    handshakeTimeoutMs: z
      .number()
      .int()
      .min(100)
      .default(10_000)
      .describe("A connection that has not completed its TLS or HTTP/2 handshake by then is closed"),
  })
  .describe("TCP connection hygiene of the gRPC port");
export type ConnectionsConfig = z.infer<typeof ConnectionsConfig>;
