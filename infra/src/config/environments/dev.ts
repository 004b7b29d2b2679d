import type { EnvironmentConfigInput } from "../schema.js";

/** Development: one NAT gateway, small tasks, an Informix host created alongside, short retention. */
export const dev: EnvironmentConfigInput = {
  name: "dev",
  production: false,
  region: "eu-west-1",
  image: { tag: "latest" },
  // No interface endpoints in dev: AWS API traffic goes through the single NAT gateway, which is cheaper.
  network: { mode: "create", cidr: "10.40.0.0/16", maxAzs: 2, natGateways: 1, interfaceEndpoints: false },
  informix: {
    connection: { database: "stores", server: "informix_drda" },
    host: {
      mode: "create",
      instanceType: "t3.large",
      dataVolumeGiB: 50,
      backup: { retainSnapshots: 7, archiveRetainDays: 14 },
    },
  },
  secrets: {},
  proxy: {
    drainTimeoutMs: 30_000,
    logLevel: "debug",
    // No certificate is issued for dev, so the proxy serves plaintext gRPC and is told so explicitly. Callers
    // still need an API key (from the API-key secret); only the internal NLB inside the VPC reaches the tasks.
    insecure: {
      reason: "dev has no certificate; plaintext inside the VPC behind the internal NLB, API keys still required",
    },
    // The default role "app" (read, write, procedure on informix), no JWT or mTLS, audit to stdout.
  },
  fargate: { cpu: 512, memoryMiB: 1024, desiredCount: 1, minCount: 1, maxCount: 3 },
  logRetentionDays: 14,
  alerting: { emails: [] },
  github: { repository: "informix-grpc-proxy/informix-grpc-proxy", branch: "main" },
  retainData: false,
};
