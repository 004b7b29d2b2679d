import type { EnvironmentConfigInput } from "../schema.js";

/** Production: three AZs with a NAT gateway each, sized tasks, cross-region snapshot copies, data retained. */
export const prod: EnvironmentConfigInput = {
  name: "prod",
  // Production: TLS is required and the insecure opt-out is refused (checked in the environment schema).
  production: true,
  region: "eu-west-1",
  image: { tag: "latest" },
  network: { mode: "create", cidr: "10.41.0.0/16", maxAzs: 3, natGateways: 3 },
  informix: {
    connection: { database: "stores", server: "informix_drda" },
    host: {
      mode: "create",
      // Amazon Linux 2023 (x86_64) of the region, pinned. Take the current one with
      //   aws ssm get-parameter --region eu-west-1 --query Parameter.Value --output text \
      //     --name /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
      imageId: "ami-0c1c30571d2dae5c9",
      instanceType: "m7i.xlarge",
      dataVolumeGiB: 500,
      dataVolumeIops: 6000,
      dataVolumeThroughputMiBps: 250,
      backup: {
        snapshotTimesUtc: ["03:00"],
        snapshotIntervalHours: 12,
        retainSnapshots: 28,
        crossRegionCopy: { targetRegion: "eu-central-1", retainDays: 14 },
        archiveTool: "onbar",
        archiveRetainDays: 90,
      },
    },
  },
  secrets: {},
  // TLS ends in the proxy: put the certificate chain and key into the TLS secret before the first deploy.
  proxy: {
    drainTimeoutMs: 30_000,
    logLevel: "info",
    tls: true,
    security: {
      roles: {
        // Applications: read, write and stored procedures on the Informix database; no DDL, no admin.
        app: { databases: { informix: { allow: ["read", "write", "procedure"], maxSessions: 20 } } },
      },
      policy: { allowDdl: false, allowMultipleStatements: false, allowSessionStatements: false },
      // One record per statement on stdout, so the audit trail lands in the service's CloudWatch log group.
      audit: "stdout",
    },
  },
  fargate: { cpu: 1024, memoryMiB: 2048, desiredCount: 3, minCount: 3, maxCount: 12, requestsPerSecondPerTask: 300 },
  logRetentionDays: 365,
  alerting: { emails: ["oncall@example.com"] },
  github: { repository: "informix-grpc-proxy/informix-grpc-proxy", branch: "main" },
  // Terraform variant only: where its state lives (the bucket is created once by hand, see docs/deploying.md).
  terraform: { stateBucket: "informix-grpc-proxy-tfstate-prod" },
  retainData: true,
};
