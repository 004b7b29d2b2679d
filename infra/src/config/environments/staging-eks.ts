import type { EnvironmentConfigInput } from "../schema.js";

/** The Kubernetes option: the proxy runs on an existing EKS cluster in an existing VPC and Informix host. */
export const stagingEks: EnvironmentConfigInput = {
  name: "staging-eks",
  production: false,
  account: "111122223333",
  region: "eu-west-1",
  platform: "eks",
  image: { tag: "latest" },
  network: {
    mode: "existing",
    vpcId: "vpc-0a1b2c3d4e5f60718",
    vpcCidr: "10.50.0.0/16",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    privateSubnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
  },
  informix: {
    connection: { database: "stores", server: "informix_drda" },
    host: { mode: "existing", host: "informix.staging.internal" },
  },
  secrets: {},
  // Staging serves TLS like production: put the certificate chain and key into the TLS secret first.
  proxy: { drainTimeoutMs: 30_000, logLevel: "info", tls: true },
  fargate: {},
  eks: {
    clusterName: "platform-staging",
    kubectlRoleArn: "arn:aws:iam::111122223333:role/platform-staging-kubectl",
    kubectlLayerArn: "arn:aws:lambda:eu-west-1:111122223333:layer:kubectl-v33:1",
    oidcProviderArn:
      "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
  },
  logRetentionDays: 30,
  alerting: { emails: [] },
  github: { repository: "informix-grpc-proxy/informix-grpc-proxy", branch: "main" },
  retainData: true,
};
