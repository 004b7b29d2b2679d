// The Terraform variant of the deployment: registry, secrets, ECS Fargate service behind an internal NLB,
// DLM snapshot policy and the managed Prometheus rules, from the same environment configuration as the CDK
// app. The CDK app is the primary path; this one serves teams that run Terraform. Each part is a function of
// its own file; all of them add their resources to this stack, so Terraform addresses stay the same.
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity/index.js";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../src/config/schema.js";
import { alerting } from "./alerting.js";
import { encryptionKey } from "./encryption-key.js";
import { fargateService, loadBalancer } from "./fargate-service.js";
import { imageRepository } from "./image-repository.js";
import { networkInputs, securityGroups } from "./network.js";
import { proxySecrets } from "./proxy-secrets.js";
import { serviceAlarms } from "./service-alarms.js";
import { snapshotBackups } from "./snapshot-backups.js";
import { taskDefinition } from "./task-definition.js";

export class ProxyTerraformStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: EnvironmentConfig) {
    super(scope, id);
    const name = `informix-grpc-proxy-${config.name}`;
    const region = config.region;

    // Remote state, never a local file: S3 with Terraform's native lock file (1.10+), or a DynamoDB lock table.
    const state = config.terraform;
    if (!state) throw new Error(`${config.name}: the Terraform variant needs terraform.stateBucket in the environment`);
    new S3Backend(this, {
      bucket: state.stateBucket,
      key: `informix-grpc-proxy/${config.name}/terraform.tfstate`,
      region: state.stateRegion ?? region,
      encrypt: true,
      ...(state.lockTable ? { dynamodbTable: state.lockTable } : {}),
    });
    if (!state.lockTable) this.addOverride("terraform.backend.s3.use_lockfile", true);

    new AwsProvider(this, "aws", {
      region,
      defaultTags: [{ tags: { project: "informix-grpc-proxy", environment: config.name } }],
    });
    const caller = new DataAwsCallerIdentity(this, "caller");
    const network = networkInputs(this, config);
    const key = encryptionKey(this, name, region, caller.accountId);
    const repository = imageRepository(this, name, config, key);
    const secrets = proxySecrets(this, name, config, key);
    const { workspace, topic } = alerting(this, name, region, caller.accountId, key, config.alerting.emails);
    const { lbGroup, proxyGroup } = securityGroups(this, name, config, network);
    const task = taskDefinition(this, {
      name,
      region,
      config,
      informixHost: network.informixHost,
      key,
      repository,
      secrets,
      workspace,
    });
    const { lb, targetGroup, listener } = loadBalancer(this, config, network, lbGroup);
    const service = fargateService(this, name, config, {
      taskDefinition: task,
      subnetIds: network.subnetIds,
      proxyGroup,
      targetGroup,
      listener,
    });
    serviceAlarms(this, name, { service, clusterName: name, lb, targetGroup, topic });
    snapshotBackups(this, name, config);

    new TerraformOutput(this, "repository_url", { value: repository.repositoryUrl });
    new TerraformOutput(this, "nlb_dns_name", { value: lb.dnsName });
    new TerraformOutput(this, "informix_secret_arn", { value: secrets.informix.arn });
    new TerraformOutput(this, "api_key_hashes_secret_arn", { value: secrets.apiKeys.arn });
  }
}
