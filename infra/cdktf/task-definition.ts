// The ECS task: its log groups, the execution role (pull the image, write logs, read the proxy's secrets), the
// task role (the collector writes metrics), and the same three containers as the CDK service (write-config,
// proxy, adot-collector).
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import type { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository/index.js";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import type { PrometheusWorkspace } from "@cdktf/provider-aws/lib/prometheus-workspace/index.js";
import { Fn, type TerraformStack } from "cdktf";
import { renderAdotConfig } from "../src/adot-config.js";
import { type EnvironmentConfig, stopTimeoutSeconds } from "../src/config/schema.js";
import { renderProxyConfig, SECRET_ENV } from "../src/proxy-config.js";
import {
  CONFIG_DIR,
  CONFIG_PATH,
  CONTAINER_UID,
  GRPC_PORT,
  HTTP_PORT,
  LIVENESS_PATH,
  WRITE_CONFIG_ENTRYPOINT,
} from "../src/proxy-contract.js";
import { SECRET_KEYS } from "../src/stacks/secrets-stack.js";
import { ADOT_IMAGE } from "../src/stacks/service-stack.js";
import type { ProxySecrets } from "./proxy-secrets.js";

export interface TaskInputs {
  name: string;
  region: string;
  config: EnvironmentConfig;
  informixHost: string;
  key: KmsKey;
  repository: EcrRepository;
  secrets: ProxySecrets;
  workspace: PrometheusWorkspace;
}

interface LogGroups {
  logGroup: CloudwatchLogGroup;
  emfLogGroup: CloudwatchLogGroup;
}

function logGroups(stack: TerraformStack, { config, key }: TaskInputs): LogGroups {
  const logGroup = new CloudwatchLogGroup(stack, "logs", {
    name: `/informix-grpc-proxy/${config.name}`,
    retentionInDays: config.logRetentionDays,
    kmsKeyId: key.arn,
  });
  const emfLogGroup = new CloudwatchLogGroup(stack, "metrics_logs", {
    name: `/informix-grpc-proxy/${config.name}/metrics`,
    retentionInDays: 7,
    kmsKeyId: key.arn,
  });
  return { logGroup, emfLogGroup };
}

function taskRoles(
  stack: TerraformStack,
  { name, config, key, repository, secrets, workspace }: TaskInputs,
  { logGroup, emfLogGroup }: LogGroups,
): { executionRole: IamRole; taskRole: IamRole } {
  const ecsTrust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
  });
  const executionRole = new IamRole(stack, "execution_role", {
    name: `${name}-execution`,
    assumeRolePolicy: ecsTrust,
  });
  new IamRolePolicy(stack, "execution_policy", {
    role: executionRole.id,
    policy: Fn.jsonencode({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
        {
          Effect: "Allow",
          Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
          Resource: repository.arn,
        },
        { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroup.arn}:*` },
        {
          Effect: "Allow",
          Action: ["secretsmanager:GetSecretValue"],
          Resource: config.proxy.tls
            ? [secrets.informix.arn, secrets.apiKeys.arn, secrets.tls.arn]
            : [secrets.informix.arn, secrets.apiKeys.arn],
        },
        { Effect: "Allow", Action: ["kms:Decrypt"], Resource: key.arn },
      ],
    }),
  });
  const taskRole = new IamRole(stack, "task_role", { name: `${name}-task`, assumeRolePolicy: ecsTrust });
  new IamRolePolicy(stack, "task_policy", {
    role: taskRole.id,
    policy: Fn.jsonencode({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["aps:RemoteWrite"], Resource: workspace.arn },
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: `${emfLogGroup.arn}:*`,
        },
        { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: key.arn },
      ],
    }),
  });
  return { executionRole, taskRole };
}

function containerDefinitions(
  { name, region, config, informixHost, repository, secrets, workspace }: TaskInputs,
  { logGroup, emfLogGroup }: LogGroups,
): unknown[] {
  const tls = config.proxy.tls;
  const mtls = tls && config.proxy.security.mtls !== undefined;
  const tag = config.image.tag;
  const image = tag.startsWith("sha256:") ? `${repository.repositoryUrl}@${tag}` : `${repository.repositoryUrl}:${tag}`;
  const logging = (prefix: string) => ({
    logDriver: "awslogs",
    options: { "awslogs-group": logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": prefix },
  });
  const secretFrom = (secret: { arn: string }, key: string) => `${secret.arn}:${key}::`;
  return [
    {
      name: "write-config",
      image,
      essential: false,
      user: CONTAINER_UID,
      readonlyRootFilesystem: true,
      entryPoint: WRITE_CONFIG_ENTRYPOINT,
      command: [CONFIG_PATH],
      environment: [
        {
          name: "PROXY_CONFIG_YAML",
          value: renderProxyConfig({
            config,
            informixHost,
            informixUser: { env: SECRET_ENV.informixUser },
            informixPassword: { env: SECRET_ENV.informixPassword },
            apiKeyHashes: { env: SECRET_ENV.apiKeyHashes },
            tls: tls
              ? {
                  cert: { secret: { env: SECRET_ENV.tlsCertificate } },
                  key: { secret: { env: SECRET_ENV.tlsPrivateKey } },
                  clientCa: mtls ? { secret: { env: SECRET_ENV.tlsClientCa } } : undefined,
                }
              : undefined,
          }),
        },
      ],
      mountPoints: [{ sourceVolume: "config", containerPath: CONFIG_DIR, readOnly: false }],
      logConfiguration: logging("write-config"),
    },
    {
      name: "proxy",
      image,
      essential: true,
      user: CONTAINER_UID,
      readonlyRootFilesystem: true,
      command: ["serve", "--config", CONFIG_PATH],
      portMappings: [
        { containerPort: GRPC_PORT, protocol: "tcp" },
        { containerPort: HTTP_PORT, protocol: "tcp" },
      ],
      secrets: [
        { name: SECRET_ENV.informixUser, valueFrom: secretFrom(secrets.informix, SECRET_KEYS.informixUser) },
        { name: SECRET_ENV.informixPassword, valueFrom: secretFrom(secrets.informix, SECRET_KEYS.informixPassword) },
        { name: SECRET_ENV.apiKeyHashes, valueFrom: secretFrom(secrets.apiKeys, SECRET_KEYS.apiKeyHashes) },
        ...(tls
          ? [
              { name: SECRET_ENV.tlsCertificate, valueFrom: secretFrom(secrets.tls, SECRET_KEYS.tlsCertificate) },
              { name: SECRET_ENV.tlsPrivateKey, valueFrom: secretFrom(secrets.tls, SECRET_KEYS.tlsPrivateKey) },
            ]
          : []),
        ...(mtls
          ? [{ name: SECRET_ENV.tlsClientCa, valueFrom: secretFrom(secrets.tls, SECRET_KEYS.tlsClientCa) }]
          : []),
      ],
      environment: [{ name: "NODE_ENV", value: "production" }],
      stopTimeout: stopTimeoutSeconds(config.proxy.drainTimeoutMs),
      healthCheck: {
        command: [
          "CMD",
          "node",
          "-e",
          `fetch('http://127.0.0.1:${HTTP_PORT}${LIVENESS_PATH}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
        ],
        interval: 15,
        timeout: 5,
        retries: 3,
        startPeriod: 30,
      },
      mountPoints: [
        { sourceVolume: "config", containerPath: CONFIG_DIR, readOnly: true },
        { sourceVolume: "tmp", containerPath: "/tmp", readOnly: false },
      ],
      dependsOn: [{ containerName: "write-config", condition: "SUCCESS" }],
      logConfiguration: logging("proxy"),
    },
    {
      name: "adot-collector",
      image: ADOT_IMAGE,
      essential: false,
      user: CONTAINER_UID,
      readonlyRootFilesystem: true,
      memoryReservation: 128,
      environment: [
        {
          name: "AOT_CONFIG_CONTENT",
          value: renderAdotConfig({
            region,
            prometheusEndpoint: workspace.prometheusEndpoint,
            serviceName: name,
            emfLogGroupName: emfLogGroup.name,
          }),
        },
      ],
      dependsOn: [{ containerName: "proxy", condition: "START" }],
      logConfiguration: logging("adot"),
    },
  ];
}

export function taskDefinition(stack: TerraformStack, inputs: TaskInputs): EcsTaskDefinition {
  const logs = logGroups(stack, inputs);
  const { executionRole, taskRole } = taskRoles(stack, inputs, logs);
  const { name, config } = inputs;
  return new EcsTaskDefinition(stack, "task", {
    family: name,
    requiresCompatibilities: ["FARGATE"],
    networkMode: "awsvpc",
    cpu: String(config.fargate.cpu),
    memory: String(config.fargate.memoryMiB),
    executionRoleArn: executionRole.arn,
    taskRoleArn: taskRole.arn,
    runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
    volume: [{ name: "config" }, { name: "tmp" }],
    containerDefinitions: Fn.jsonencode(containerDefinitions(inputs, logs)),
  });
}
