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
      // Amazon Linux 2023 (x86_64) of the region, pinned. Take the current one with
      //   aws ssm get-parameter --region eu-west-1 --query Parameter.Value --output text \
      //     --name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
      imageId: "ami-0c1c30571d2dae5c9",
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
  // Terraform variant only: where its state lives (the bucket is created once by hand, see docs/deploying.md).
  terraform: { stateBucket: "informix-grpc-proxy-tfstate-dev" },
  retainData: false,
};
