// Typed, validated configuration of one deployment environment. Every stack reads only this object,
// so an environment is described in one place and checked before anything is synthesized.
import { z } from "zod";
import { checkRoles, ProxySecurity } from "./proxy-security.js";

const AccountId = z.string().regex(/^\d{12}$/, "an AWS account id is 12 digits");
const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region such as eu-west-1");
const Arn = z.string().regex(/^arn:aws[a-z-]*:/, "an ARN");

/** Fargate accepts only these CPU/memory pairs (MiB); checked so a bad pair fails at synth, not deploy. */
export const FARGATE_MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: [2048, 3072, 4096, 5120, 6144, 7168, 8192],
  2048: Array.from({ length: 13 }, (_, i) => 4096 + i * 1024),
  4096: Array.from({ length: 23 }, (_, i) => 8192 + i * 1024),
};

/** The NLB drops a TCP flow idle for 350 s (not configurable for TCP listeners before 2024; the default since). */
export const NLB_IDLE_TIMEOUT_MS = 350_000;

/** Fargate caps a container's stop timeout at 120 s. */
export const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;

export const NetworkConfig = z.discriminatedUnion("mode", [
  z.strictObject({
    mode: z.literal("create"),
    cidr: z.string().default("10.40.0.0/16"),
    maxAzs: z.number().int().min(2).max(3).default(2),
    natGateways: z.number().int().min(1).max(3).default(1),
    /** Interface endpoints (Secrets Manager, ECR, logs, SSM) keep AWS traffic off the NAT; each costs per AZ-hour. */
    interfaceEndpoints: z.boolean().default(true),
  }),
  z.strictObject({
    mode: z.literal("existing"),
    vpcId: z.string().regex(/^vpc-[0-9a-f]+$/),
    vpcCidr: z.string(),
    availabilityZones: z.array(z.string()).min(2),
    privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/)).min(2),
  }),
]);

export const InformixConnection = z.strictObject({
  /** Database name inside the instance. */
  database: z.string().min(1).default("stores"),
  /** INFORMIXSERVER name of the DRDA (drsoctcp) listener. */
  server: z.string().min(1).default("informix_drda"),
  drdaPort: z.number().int().default(9089),
  sqliPort: z.number().int().default(9088),
  user: z.string().min(1).default("informix"),
  /**
   * The Informix user read-only roles connect as (least privilege in the database): grant it CONNECT and SELECT
   * only (docs/security/least-privilege.md). Its password is generated into the reader secret.
   */
  readerUser: z.string().min(1).default("igp_reader"),
});

export const InformixHostConfig = z.discriminatedUnion("mode", [
  z.strictObject({
    mode: z.literal("create"),
    /**
     * The host's AMI, pinned: a "latest" image resolved at deploy time would replace the host (and its
     * Informix) whenever AWS publishes a new one. Change it deliberately, in a maintenance window.
     */
    imageId: z.string().regex(/^ami-[0-9a-f]{8,17}$/, "an AMI id (ami-...) from the environment's region"),
    instanceType: z.string().default("m7i.large"),
    dataVolumeGiB: z.number().int().min(20).max(16_384).default(100),
    dataVolumeIops: z.number().int().min(3000).max(16_000).default(3000),
    dataVolumeThroughputMiBps: z.number().int().min(125).max(1000).default(125),
    backup: z.strictObject({
      /** DLM snapshot times (UTC, HH:MM) and how many snapshots are kept. */
      snapshotTimesUtc: z
        .array(z.string().regex(/^\d{2}:\d{2}$/))
        .min(1)
        .default(["03:00"]),
      snapshotIntervalHours: z.union([z.literal(12), z.literal(24)]).default(24),
      retainSnapshots: z.number().int().min(1).max(1000).default(7),
      crossRegionCopy: z.strictObject({ targetRegion: Region, retainDays: z.number().int().min(1) }).optional(),
      /** Schedule of the ontape/onbar archive to S3, as an SSM State Manager cron/rate expression. */
      archiveSchedule: z.string().default("cron(30 2 * * ? *)"),
      archiveTool: z.enum(["ontape", "onbar"]).default("ontape"),
      archiveRetainDays: z.number().int().min(1).default(35),
    }),
  }),
  z.strictObject({ mode: z.literal("existing"), host: z.string().min(1) }),
]);

export const FargateConfig = z.strictObject({
  cpu: z.number().int().default(512),
  memoryMiB: z.number().int().default(1024),
  desiredCount: z.number().int().min(1).default(2),
  minCount: z.number().int().min(1).default(2),
  maxCount: z.number().int().min(1).default(6),
  cpuTargetPercent: z.number().int().min(10).max(90).default(60),
  /** gRPC calls started per second per task that autoscaling aims for. */
  requestsPerSecondPerTask: z.number().positive().default(200),
});

export const EksConfig = z.strictObject({
  clusterName: z.string().min(1),
  /** Role mapped to system:masters that CDK's kubectl provider assumes. */
  kubectlRoleArn: Arn,
  /** Lambda layer with kubectl (publish @aws-cdk/lambda-layer-kubectl-vNN once per account). */
  kubectlLayerArn: Arn,
  /** The cluster's IAM OIDC provider, for IRSA. */
  oidcProviderArn: Arn,
  namespace: z.string().default("informix-grpc-proxy"),
  replicas: z.number().int().min(1).default(2),
  minReplicas: z.number().int().min(1).default(2),
  maxReplicas: z.number().int().min(1).default(6),
  cpuRequest: z.string().default("250m"),
  cpuLimit: z.string().default("1"),
  memoryRequest: z.string().default("512Mi"),
  memoryLimit: z.string().default("1Gi"),
  cpuTargetPercent: z.number().int().min(10).max(90).default(60),
});

/**
 * One connection budget for the whole fleet: each task (or pod) opens at most pool.max connections per
 * database credential, so the most tasks that can run at once times pool.max must fit what the database
 * allows this proxy's user (Informix: the user's share of the instance's sessions). Checked at synth time.
 */
export const CapacityConfig = z.strictObject({
  /** Connections the database grants this proxy's credential (across every task). */
  databaseConnectionBudget: z.number().int().min(1).default(100),
  /** Connections each task's pool may open (the proxy's databases.*.pool.max). */
  poolMax: z.number().int().min(1).max(1000).default(10),
  /** Connections each task's pool keeps open when idle (pool.minIdle). */
  poolMinIdle: z.number().int().min(0).default(0),
  /** Open sessions per task (sessions.maxTotal); each session pins one pooled connection. */
  maxSessions: z.number().int().min(0).default(8),
  /** Open sessions per caller identity per task (sessions.maxPerCaller). */
  maxSessionsPerCaller: z.number().int().min(0).default(4),
  /** Statement timeout the proxy applies when the caller sets none (limits.statementTimeoutMs). */
  statementTimeoutMs: z.number().int().min(0).default(30_000),
  /** Upper bound for a caller's own timeout (limits.maxStatementTimeoutMs). */
  maxStatementTimeoutMs: z.number().int().min(0).default(300_000),
});

const EnvironmentConfigShape = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{1,15}$/),
  /** A production environment must serve TLS and may not opt out of the proxy's secure-bind rule. */
  production: z.boolean(),
  account: AccountId.optional(),
  region: Region,
  platform: z.enum(["fargate", "eks"]).default("fargate"),
  /** Image tag or digest ("sha256:..."); deploy.yml passes the digest with -c imageDigest=. */
  image: z.strictObject({
    repositoryName: z.string().default("informix-grpc-proxy"),
    tag: z.string().default("latest"),
  }),
  network: NetworkConfig,
  informix: z.strictObject({ connection: InformixConnection, host: InformixHostConfig }),
  secrets: z.strictObject({
    /** Import an existing Informix credentials secret (JSON with "password") instead of generating one. */
    existingInformixSecretArn: Arn.optional(),
    /** The customer-managed KMS key of that existing secret, if it has one. */
    existingInformixSecretKeyArn: Arn.optional(),
  }),
  proxy: z.strictObject({
    drainTimeoutMs: z.number().int().min(0).default(30_000),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug"]).default("info"),
    /** Serve gRPC over TLS with the certificate and key from the TLS secret (put them there before deploying). */
    tls: z.boolean().default(false),
    /**
     * Explicit opt-out of the proxy's secure-bind rule (server.insecure: true): only for an environment
     * without TLS, never in production, and with the reason written down. Absent = TLS is required.
     */
    insecure: z.strictObject({ reason: z.string().min(20, "say why, in a sentence") }).optional(),
    /** Authentication (API keys from the API-key secret, always; JWT and mTLS optional), roles, policy, audit. */
    security: ProxySecurity.default(ProxySecurity.parse({})),
    /**
     * HTTP/2 behind the NLB: server pings keep idle connections inside the NLB's 350 s idle timeout, and a
     * maximum connection age makes clients reconnect so connections spread over new tasks after a scale-out
     * (a session lives on its connection: clients reopen it on NOT_FOUND after a reconnect).
     */
    grpc: z
      .strictObject({
        keepaliveTimeMs: z
          .number()
          .int()
          .min(10_000)
          .max(NLB_IDLE_TIMEOUT_MS - 10_000)
          .default(60_000),
        maxConnectionAgeMs: z.number().int().min(0).default(900_000),
      })
      .default({ keepaliveTimeMs: 60_000, maxConnectionAgeMs: 900_000 }),
    /** Pool size, session limits and statement timeouts, from one connection budget (checked at synth). */
    capacity: CapacityConfig.default(CapacityConfig.parse({})),
  }),
  /**
   * A private DNS name for the NLB, the name the proxy's TLS certificate carries: clients verify it instead of
   * the NLB's generated name. A new private hosted zone in the VPC, or an existing zone by id.
   */
  dns: z
    .strictObject({
      zoneName: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, "a DNS zone such as proxy.internal"),
      recordName: z
        .string()
        .regex(/^[a-z0-9-]+$/)
        .default("informix-grpc-proxy"),
      existingZoneId: z
        .string()
        .regex(/^Z[A-Z0-9]+$/)
        .optional(),
    })
    .optional(),
  fargate: FargateConfig,
  eks: EksConfig.optional(),
  logRetentionDays: z.number().int().default(30),
  alerting: z.strictObject({ emails: z.array(z.email()).default([]) }),
  github: z.strictObject({
    repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "owner/name"),
    branch: z.string().default("main"),
    /** Reuse an account's existing token.actions.githubusercontent.com provider. */
    existingOidcProviderArn: Arn.optional(),
  }),
  /**
   * The Terraform variant's remote state: an S3 bucket (versioned, encrypted; create it once, see
   * docs/deploying.md) with S3-native locking, or a DynamoDB lock table for Terraform older than 1.10.
   */
  terraform: z
    .strictObject({
      stateBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name"),
      stateRegion: Region.optional(),
      lockTable: z.string().min(3).optional(),
    })
    .optional(),
  /** Retain data-bearing resources (secrets, buckets, volumes) when a stack is deleted. */
  retainData: z.boolean().default(true),
});

export const EnvironmentConfig = EnvironmentConfigShape.superRefine((cfg, ctx) => {
  const allowed = FARGATE_MEMORY_BY_CPU[cfg.fargate.cpu];
  if (!allowed) {
    ctx.addIssue({
      code: "custom",
      path: ["fargate", "cpu"],
      message: `Fargate CPU must be one of 256, 512, 1024, 2048, 4096`,
    });
  } else if (!allowed.includes(cfg.fargate.memoryMiB)) {
    ctx.addIssue({
      code: "custom",
      path: ["fargate", "memoryMiB"],
      message: `with ${cfg.fargate.cpu} CPU units Fargate accepts ${allowed.join(", ")} MiB`,
    });
  }
  if (cfg.fargate.minCount > cfg.fargate.maxCount) {
    ctx.addIssue({ code: "custom", path: ["fargate", "minCount"], message: "minCount must not exceed maxCount" });
  }
  if (stopTimeoutSeconds(cfg.proxy.drainTimeoutMs) > FARGATE_MAX_STOP_TIMEOUT_SECONDS) {
    ctx.addIssue({
      code: "custom",
      path: ["proxy", "drainTimeoutMs"],
      message: `drain timeout plus margin must fit Fargate's ${FARGATE_MAX_STOP_TIMEOUT_SECONDS} s stop timeout`,
    });
  }
  if (cfg.platform === "eks" && !cfg.eks) {
    ctx.addIssue({ code: "custom", path: ["eks"], message: "platform eks needs the eks section" });
  }
  checkTransportSecurity(cfg, ctx);
  checkRoles(cfg.proxy.security, ctx);
  checkCapacity(cfg, ctx);
});

/**
 * The most tasks that can run at once: ECS starts the new tasks of a deployment before it stops the old
 * ones (maxHealthyPercent 200), Kubernetes surges one pod (maxSurge 1) over the autoscaler's maximum.
 */
export function peakTasks(cfg: Pick<ParsedEnvironment, "platform" | "fargate" | "eks">): number {
  if (cfg.platform === "eks") return (cfg.eks?.maxReplicas ?? 1) + EKS_MAX_SURGE;
  return cfg.fargate.maxCount * (FARGATE_MAX_HEALTHY_PERCENT / 100);
}

export const FARGATE_MAX_HEALTHY_PERCENT = 200;
export const EKS_MAX_SURGE = 1;

function checkCapacity(cfg: ParsedEnvironment, ctx: z.RefinementCtx): void {
  const c = cfg.proxy.capacity;
  const tasks = peakTasks(cfg);
  if (tasks * c.poolMax > c.databaseConnectionBudget) {
    ctx.addIssue({
      code: "custom",
      path: ["proxy", "capacity", "poolMax"],
      message:
        `${tasks} tasks at peak (autoscaling maximum, deployments included) × pool.max ${c.poolMax} = ` +
        `${tasks * c.poolMax} connections exceed the database's budget of ${c.databaseConnectionBudget}: ` +
        `lower poolMax or the maximum task count, or raise databaseConnectionBudget with the DBA`,
    });
  }
  if (c.poolMinIdle > c.poolMax) {
    ctx.addIssue({
      code: "custom",
      path: ["proxy", "capacity", "poolMinIdle"],
      message: "poolMinIdle exceeds poolMax",
    });
  }
  if (c.maxSessions > c.poolMax) {
    ctx.addIssue({
      code: "custom",
      path: ["proxy", "capacity", "maxSessions"],
      message: `each session pins a pooled connection: maxSessions ${c.maxSessions} must not exceed poolMax ${c.poolMax}`,
    });
  }
  if (c.maxStatementTimeoutMs !== 0 && c.statementTimeoutMs > c.maxStatementTimeoutMs) {
    ctx.addIssue({
      code: "custom",
      path: ["proxy", "capacity", "statementTimeoutMs"],
      message: "statementTimeoutMs must not exceed maxStatementTimeoutMs",
    });
  }
}

export type EnvironmentConfig = z.infer<typeof EnvironmentConfig>;
export type EnvironmentConfigInput = z.input<typeof EnvironmentConfig>;

/** Seconds between SIGTERM and SIGKILL: the proxy's drain plus time to close pools and flush logs. */
export function stopTimeoutSeconds(drainTimeoutMs: number): number {
  return Math.ceil(drainTimeoutMs / 1000) + 15;
}

type ParsedEnvironment = z.output<typeof EnvironmentConfigShape>;

/**
 * API keys are always enabled, so TLS is what decides whether the proxy may listen on the task's address:
 * with TLS it does so by its own rule (TLS plus authentication), without TLS only through an explicit,
 * reasoned `insecure` opt-out that production may not use.
 */
function checkTransportSecurity(cfg: ParsedEnvironment, ctx: z.RefinementCtx): void {
  const { tls, insecure, security } = cfg.proxy;
  if (cfg.production && !tls) {
    ctx.addIssue({
      code: "custom",
      path: ["proxy", "tls"],
      message: "a production environment must serve TLS (proxy.tls: true, with the PEMs in the TLS secret)",
    });
  }
  if (cfg.production && insecure) {
    ctx.addIssue({
      code: "custom",
      path: ["proxy", "insecure"],
      message: "a production environment may not opt out of TLS and authentication",
    });
  }
  if (!tls && !insecure && !cfg.production) {
    ctx.addIssue({
      code: "custom",
      path: ["proxy", "tls"],
      message:
        "without TLS the proxy refuses to listen on the task's address: set proxy.tls: true, or opt out " +
        "explicitly with proxy.insecure: { reason: ... }",
    });
  }
  if (tls && insecure) {
    ctx.addIssue({
      code: "custom",
      path: ["proxy", "insecure"],
      message: "insecure is only for an environment without TLS; with proxy.tls remove it",
    });
  }
  if (security.mtls && !tls) {
    ctx.addIssue({ code: "custom", path: ["proxy", "security", "mtls"], message: "mTLS needs proxy.tls: true" });
  }
}
