// Assembles every stack of one environment in dependency order. Shared by bin/app.ts and the tests.
import type { App, Environment } from "aws-cdk-lib";
import { Tags } from "aws-cdk-lib";
import type { EnvironmentConfig } from "./config/schema.js";
import { applyNagSuppressions, type RecordedAcknowledgement } from "./nag/suppressions.js";
import { AlertingStack } from "./stacks/alerting-stack.js";
import { EksServiceStack } from "./stacks/eks-service-stack.js";
import { GithubOidcStack } from "./stacks/github-oidc-stack.js";
import { InformixHostStack } from "./stacks/informix-host-stack.js";
import { NetworkStack } from "./stacks/network-stack.js";
import { RegistryStack } from "./stacks/registry-stack.js";
import { SecretsStack } from "./stacks/secrets-stack.js";
import { ServiceStack } from "./stacks/service-stack.js";

export interface EnvironmentStacks {
  readonly network: NetworkStack;
  readonly registry: RegistryStack;
  readonly secrets: SecretsStack;
  readonly alerting: AlertingStack;
  readonly informixHost?: InformixHostStack;
  readonly service?: ServiceStack;
  readonly eksService?: EksServiceStack;
  readonly githubOidc: GithubOidcStack;
}

export function stackPrefix(config: EnvironmentConfig): string {
  return `InformixGrpcProxy-${config.name}`;
}

export interface BuiltEnvironment {
  readonly stacks: EnvironmentStacks;
  /** The cdk-nag findings accepted on purpose, with their reasons. */
  readonly nagAcknowledgements: RecordedAcknowledgement[];
}

export function buildEnvironment(app: App, config: EnvironmentConfig): BuiltEnvironment {
  const env: Environment = { account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT, region: config.region };
  const prefix = stackPrefix(config);
  const common = { env, config };

  const network = new NetworkStack(app, `${prefix}-Network`, common);
  const registry = new RegistryStack(app, `${prefix}-Registry`, common);
  const secrets = new SecretsStack(app, `${prefix}-Secrets`, common);
  const alerting = new AlertingStack(app, `${prefix}-Alerting`, common);

  const hostConfig = config.informix.host;
  const informixHost =
    hostConfig.mode === "create"
      ? new InformixHostStack(app, `${prefix}-InformixHost`, {
          ...common,
          host: hostConfig,
          vpc: network.vpc,
          securityGroup: network.informixSecurityGroup,
          alarmTopic: alerting.topic,
        })
      : undefined;
  const informixAddress = informixHost
    ? informixHost.instance.instancePrivateDnsName
    : (hostConfig as { host: string }).host;

  const service =
    config.platform === "fargate"
      ? new ServiceStack(app, `${prefix}-Service`, {
          ...common,
          vpc: network.vpc,
          proxySecurityGroup: network.proxySecurityGroup,
          loadBalancerSecurityGroup: network.loadBalancerSecurityGroup,
          repository: registry.repository,
          informixCredentials: secrets.informixCredentialsReference,
          informixReaderCredentials: secrets.informixReaderCredentialsReference,
          apiKeyHashes: secrets.apiKeyHashesReference,
          tlsMaterial: secrets.tlsMaterialReference,
          informixHost: informixAddress,
          workspace: alerting.workspace,
          alarmTopic: alerting.topic,
        })
      : undefined;
  const eksService =
    config.platform === "eks"
      ? new EksServiceStack(app, `${prefix}-EksService`, {
          ...common,
          repository: registry.repository,
          informixCredentials: secrets.informixCredentialsReference,
          apiKeyHashes: secrets.apiKeyHashesReference,
          tlsMaterial: secrets.tlsMaterialReference,
          informixHost: informixAddress,
          workspace: alerting.workspace,
        })
      : undefined;

  const githubOidc = new GithubOidcStack(app, `${prefix}-GithubOidc`, { ...common, repository: registry.repository });

  const stacks: EnvironmentStacks = {
    network,
    registry,
    secrets,
    alerting,
    informixHost,
    service,
    eksService,
    githubOidc,
  };
  for (const stack of Object.values(stacks)) {
    if (!stack) continue;
    Tags.of(stack).add("project", "informix-grpc-proxy");
    Tags.of(stack).add("environment", config.name);
  }
  return { stacks, nagAcknowledgements: applyNagSuppressions(stacks) };
}
