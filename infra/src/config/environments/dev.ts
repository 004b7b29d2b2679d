import type { EnvironmentConfigInput } from "../schema.js";

/** Development: one NAT gateway, small tasks, an Informix host created alongside, short retention. */
export const dev: EnvironmentConfigInput = {
  name: "dev",
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
  proxy: { drainTimeoutMs: 30_000, logLevel: "debug" },
  fargate: { cpu: 512, memoryMiB: 1024, desiredCount: 1, minCount: 1, maxCount: 3 },
  logRetentionDays: 14,
  alerting: { emails: [] },
  github: { repository: "informix-grpc-proxy/informix-grpc-proxy", branch: "main" },
  retainData: false,
};
