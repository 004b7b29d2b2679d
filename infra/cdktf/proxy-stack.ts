// The Terraform variant of the deployment: registry, secrets, ECS Fargate service behind an internal NLB,
// DLM snapshot policy and the managed Prometheus rules, from the same environment configuration as the CDK
// app. The CDK app is the primary path; this one serves teams that run Terraform.
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy/index.js";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target/index.js";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity/index.js";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js";
import { DlmLifecyclePolicy } from "@cdktf/provider-aws/lib/dlm-lifecycle-policy/index.js";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy/index.js";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository/index.js";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster/index.js";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service/index.js";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias/index.js";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { Lb } from "@cdktf/provider-aws/lib/lb/index.js";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener/index.js";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group/index.js";
import { PrometheusAlertManagerDefinition } from "@cdktf/provider-aws/lib/prometheus-alert-manager-definition/index.js";
import { PrometheusRuleGroupNamespace } from "@cdktf/provider-aws/lib/prometheus-rule-group-namespace/index.js";
import { PrometheusWorkspace } from "@cdktf/provider-aws/lib/prometheus-workspace/index.js";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version/index.js";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy/index.js";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule/index.js";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js";
import { Fn, S3Backend, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import {
  REQUEST_METRIC_NAME,
  REQUEST_METRIC_NAMESPACE,
  renderAdotConfig,
  SCRAPE_INTERVAL_SECONDS,
} from "../src/adot-config.js";
import { readAlertRuleFiles } from "../src/alert-rules.js";
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
import { alertManagerDefinition } from "../src/stacks/alerting-stack.js";
import { BACKUP_TAG_KEY } from "../src/stacks/informix-host-stack.js";
import { RELEASE_IMAGES_KEPT, RELEASE_TAG_PREFIX } from "../src/stacks/registry-stack.js";
import { API_KEY_HASHES_TEMPLATE, SECRET_KEYS } from "../src/stacks/secrets-stack.js";
import { ADOT_IMAGE } from "../src/stacks/service-stack.js";

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

    // The VPC: literal ids when the environment names an existing one, otherwise Terraform inputs.
    const net = config.network;
    const vpcId =
      net.mode === "existing"
        ? net.vpcId
        : new TerraformVariable(this, "vpc_id", { type: "string", description: "VPC of the proxy" }).stringValue;
    const subnetIds =
      net.mode === "existing"
        ? net.privateSubnetIds
        : new TerraformVariable(this, "private_subnet_ids", {
            type: "list(string)",
            description: "Private subnets, two or more AZs",
          }).listValue;
    const vpcCidr =
      net.mode === "existing"
        ? net.vpcCidr
        : new TerraformVariable(this, "vpc_cidr", { type: "string", default: net.cidr }).stringValue;
    const informixHost =
      config.informix.host.mode === "existing"
        ? config.informix.host.host
        : new TerraformVariable(this, "informix_host", { type: "string", description: "Informix DRDA host name" })
            .stringValue;

    // One customer-managed key for images, secrets, logs and the alert topic.
    const keyPolicy = new DataAwsIamPolicyDocument(this, "key_policy", {
      statement: [
        {
          sid: "AccountAdministers",
          principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${caller.accountId}:root`] }],
          actions: ["kms:*"],
          resources: ["*"],
        },
        {
          sid: "ServicesUseTheKey",
          principals: [
            {
              type: "Service",
              identifiers: [`logs.${region}.amazonaws.com`, "aps.amazonaws.com", "cloudwatch.amazonaws.com"],
            },
          ],
          actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [caller.accountId] }],
        },
      ],
    });
    const key = new KmsKey(this, "key", {
      description: `${name}: images, secrets, logs, alerts`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy.json,
    });
    new KmsAlias(this, "key_alias", { name: `alias/${name}`, targetKeyId: key.keyId });

    // Registry.
    const repository = new EcrRepository(this, "repository", {
      name,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: key.arn }],
      forceDelete: !config.retainData,
    });
    new EcrLifecyclePolicy(this, "repository_lifecycle", {
      repository: repository.name,
      policy: JSON.stringify({
        // Release images carry v1.2.3 beside sha-<commit>: rule 1 claims them so the sha- count never expires one.
        rules: [
          {
            rulePriority: 1,
            description: "Keep every release image",
            selection: {
              tagStatus: "tagged",
              tagPrefixList: [RELEASE_TAG_PREFIX],
              countType: "imageCountMoreThan",
              countNumber: RELEASE_IMAGES_KEPT,
            },
            action: { type: "expire" },
          },
          {
            rulePriority: 2,
            description: "Drop untagged after 7 days",
            selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
            action: { type: "expire" },
          },
          {
            rulePriority: 3,
            description: "Keep 30 commit images",
            selection: {
              tagStatus: "tagged",
              tagPrefixList: ["sha-"],
              countType: "imageCountMoreThan",
              countNumber: 30,
            },
            action: { type: "expire" },
          },
        ],
      }),
    });

    // Secrets: created empty (the API-key list with no entries); operators put the values (docs/deploying.md).
    const informixSecret = new SecretsmanagerSecret(this, "informix_credentials", {
      name: `${name}/informix`,
      description: `Informix ${SECRET_KEYS.informixUser}/${SECRET_KEYS.informixPassword} for the proxy`,
      kmsKeyId: key.arn,
      recoveryWindowInDays: config.retainData ? 30 : 0,
    });
    const apiKeysSecret = new SecretsmanagerSecret(this, "api_key_hashes", {
      name: `${name}/api-key-hashes`,
      description: `SHA-256 hashes of accepted API keys (JSON array, as a string, under ${SECRET_KEYS.apiKeyHashes})`,
      kmsKeyId: key.arn,
      recoveryWindowInDays: config.retainData ? 30 : 0,
    });
    // The one value written here is the empty key list (no key accepted yet), so the task can start; the
    // entries operators put afterwards are theirs: Terraform never writes this value again.
    new SecretsmanagerSecretVersion(this, "api_key_hashes_initial", {
      secretId: apiKeysSecret.id,
      secretString: API_KEY_HASHES_TEMPLATE,
      lifecycle: { ignoreChanges: ["secret_string"] },
    });
    const tlsSecret = new SecretsmanagerSecret(this, "tls", {
      name: `${name}/tls`,
      description: `PEM ${SECRET_KEYS.tlsCertificate}/${SECRET_KEYS.tlsPrivateKey} of the gRPC listener`,
      kmsKeyId: key.arn,
      recoveryWindowInDays: config.retainData ? 30 : 0,
    });
    const tls = config.proxy.tls;
    const mtls = tls && config.proxy.security.mtls !== undefined;

    // Alerting: workspace, rule groups from alerts/, alert manager to SNS.
    const topic = new SnsTopic(this, "alerts", { name: `${name}-alerts`, kmsMasterKeyId: key.arn });
    // Managed Prometheus' alert manager publishes as the aps service: without this policy every alert is
    // dropped (the CDK Alerting stack has the same statement).
    const topicPolicy = new DataAwsIamPolicyDocument(this, "alerts_policy", {
      statement: [
        {
          sid: "ManagedPrometheusPublishes",
          principals: [{ type: "Service", identifiers: ["aps.amazonaws.com"] }],
          actions: ["sns:Publish", "sns:GetTopicAttributes"],
          resources: [topic.arn],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [caller.accountId] }],
        },
        {
          sid: "TlsOnly",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["sns:Publish"],
          resources: [topic.arn],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new SnsTopicPolicy(this, "alerts_topic_policy", { arn: topic.arn, policy: topicPolicy.json });
    const workspace = new PrometheusWorkspace(this, "workspace", { alias: name, kmsKeyArn: key.arn });
    for (const file of readAlertRuleFiles()) {
      new PrometheusRuleGroupNamespace(this, `rules_${file.name.replace(/[^A-Za-z0-9_]/g, "_")}`, {
        workspaceId: workspace.id,
        name: file.name,
        data: file.content,
      });
    }
    new PrometheusAlertManagerDefinition(this, "alert_manager", {
      workspaceId: workspace.id,
      definition: alertManagerDefinition(topic.arn, region),
    });

    // Network: NLB group open to the VPC on gRPC; proxy group open to the NLB only.
    const lbGroup = new SecurityGroup(this, "lb_sg", {
      name: `${name}-nlb`,
      description: "Internal NLB: gRPC from the VPC",
      vpcId,
    });
    const proxyGroup = new SecurityGroup(this, "proxy_sg", {
      name: `${name}-tasks`,
      description: "Proxy tasks: gRPC and health checks from the NLB",
      vpcId,
    });
    new VpcSecurityGroupIngressRule(this, "lb_in_grpc", {
      securityGroupId: lbGroup.id,
      description: "gRPC clients in the VPC",
      cidrIpv4: vpcCidr,
      ipProtocol: "tcp",
      fromPort: GRPC_PORT,
      toPort: GRPC_PORT,
    });
    for (const [id, port, description] of [
      ["grpc", GRPC_PORT, "gRPC from the NLB"],
      ["health", HTTP_PORT, "NLB health checks on /healthz"],
    ] as const) {
      new VpcSecurityGroupIngressRule(this, `proxy_in_${id}`, {
        securityGroupId: proxyGroup.id,
        description,
        referencedSecurityGroupId: lbGroup.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
      });
      new VpcSecurityGroupEgressRule(this, `lb_out_${id}`, {
        securityGroupId: lbGroup.id,
        description: `${description} (egress)`,
        referencedSecurityGroupId: proxyGroup.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
      });
    }
    new VpcSecurityGroupEgressRule(this, "proxy_out_https", {
      securityGroupId: proxyGroup.id,
      description: "AWS APIs (ECR, Secrets Manager, logs, Prometheus)",
      cidrIpv4: "0.0.0.0/0",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
    });
    new VpcSecurityGroupEgressRule(this, "proxy_out_drda", {
      securityGroupId: proxyGroup.id,
      description: "Informix DRDA inside the VPC",
      cidrIpv4: vpcCidr,
      ipProtocol: "tcp",
      fromPort: config.informix.connection.drdaPort,
      toPort: config.informix.connection.drdaPort,
    });

    // Logs.
    const logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/informix-grpc-proxy/${config.name}`,
      retentionInDays: config.logRetentionDays,
      kmsKeyId: key.arn,
    });
    const emfLogGroup = new CloudwatchLogGroup(this, "metrics_logs", {
      name: `/informix-grpc-proxy/${config.name}/metrics`,
      retentionInDays: 7,
      kmsKeyId: key.arn,
    });

    // IAM: the execution role pulls the image, writes logs and reads the proxy's secrets; the task role lets
    // the collector write metrics.
    const ecsTrust = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    const executionRole = new IamRole(this, "execution_role", {
      name: `${name}-execution`,
      assumeRolePolicy: ecsTrust,
    });
    new IamRolePolicy(this, "execution_policy", {
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
            Resource: tls
              ? [informixSecret.arn, apiKeysSecret.arn, tlsSecret.arn]
              : [informixSecret.arn, apiKeysSecret.arn],
          },
          { Effect: "Allow", Action: ["kms:Decrypt"], Resource: key.arn },
        ],
      }),
    });
    const taskRole = new IamRole(this, "task_role", { name: `${name}-task`, assumeRolePolicy: ecsTrust });
    new IamRolePolicy(this, "task_policy", {
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

    // Task definition: the same three containers as the CDK service.
    const tag = config.image.tag;
    const image = tag.startsWith("sha256:")
      ? `${repository.repositoryUrl}@${tag}`
      : `${repository.repositoryUrl}:${tag}`;
    const logging = (prefix: string) => ({
      logDriver: "awslogs",
      options: { "awslogs-group": logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": prefix },
    });
    const containers = [
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
          { name: SECRET_ENV.informixUser, valueFrom: `${informixSecret.arn}:${SECRET_KEYS.informixUser}::` },
          { name: SECRET_ENV.informixPassword, valueFrom: `${informixSecret.arn}:${SECRET_KEYS.informixPassword}::` },
          { name: SECRET_ENV.apiKeyHashes, valueFrom: `${apiKeysSecret.arn}:${SECRET_KEYS.apiKeyHashes}::` },
          ...(tls
            ? [
                { name: SECRET_ENV.tlsCertificate, valueFrom: `${tlsSecret.arn}:${SECRET_KEYS.tlsCertificate}::` },
                { name: SECRET_ENV.tlsPrivateKey, valueFrom: `${tlsSecret.arn}:${SECRET_KEYS.tlsPrivateKey}::` },
              ]
            : []),
          ...(mtls
            ? [{ name: SECRET_ENV.tlsClientCa, valueFrom: `${tlsSecret.arn}:${SECRET_KEYS.tlsClientCa}::` }]
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
    const taskDefinition = new EcsTaskDefinition(this, "task", {
      family: name,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(config.fargate.cpu),
      memory: String(config.fargate.memoryMiB),
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      volume: [{ name: "config" }, { name: "tmp" }],
      containerDefinitions: Fn.jsonencode(containers),
    });

    // NLB and service.
    const lb = new Lb(this, "nlb", {
      name: `igp-${config.name}`.slice(0, 32),
      internal: true,
      loadBalancerType: "network",
      subnets: subnetIds,
      securityGroups: [lbGroup.id],
      enableCrossZoneLoadBalancing: true,
      enableDeletionProtection: true,
    });
    const targetGroup = new LbTargetGroup(this, "targets", {
      name: `igp-${config.name}-grpc`.slice(0, 32),
      port: GRPC_PORT,
      protocol: "TCP",
      targetType: "ip",
      vpcId,
      deregistrationDelay: String(Math.ceil(config.proxy.drainTimeoutMs / 1000)),
      healthCheck: {
        protocol: "HTTP",
        port: String(HTTP_PORT),
        // The process, not the database: see the CDK service stack.
        path: LIVENESS_PATH,
        matcher: "200",
        interval: 10,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      },
    });
    const listener = new LbListener(this, "listener", {
      loadBalancerArn: lb.arn,
      port: GRPC_PORT,
      protocol: "TCP",
      defaultAction: [{ type: "forward", targetGroupArn: targetGroup.arn }],
    });

    const cluster = new EcsCluster(this, "cluster", {
      name,
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
    const service = new EcsService(this, "service", {
      name,
      cluster: cluster.id,
      taskDefinition: taskDefinition.arn,
      desiredCount: config.fargate.desiredCount,
      launchType: "FARGATE",
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriodSeconds: 60,
      networkConfiguration: { subnets: subnetIds, securityGroups: [proxyGroup.id], assignPublicIp: false },
      loadBalancer: [{ targetGroupArn: targetGroup.arn, containerName: "proxy", containerPort: GRPC_PORT }],
      lifecycle: { ignoreChanges: ["desired_count"] },
      // ECS refuses a service whose target group is not yet attached to a load balancer.
      dependsOn: [listener],
    });

    const scaling = new AppautoscalingTarget(this, "scaling", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${cluster.name}/${service.name}`,
      minCapacity: config.fargate.minCount,
      maxCapacity: config.fargate.maxCount,
    });
    new AppautoscalingPolicy(this, "scale_cpu", {
      name: `${name}-cpu`,
      policyType: "TargetTrackingScaling",
      serviceNamespace: scaling.serviceNamespace,
      resourceId: scaling.resourceId,
      scalableDimension: scaling.scalableDimension,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: config.fargate.cpuTargetPercent,
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
      },
    });
    new AppautoscalingPolicy(this, "scale_requests", {
      name: `${name}-requests`,
      policyType: "TargetTrackingScaling",
      serviceNamespace: scaling.serviceNamespace,
      resourceId: scaling.resourceId,
      scalableDimension: scaling.scalableDimension,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: config.fargate.requestsPerSecondPerTask * SCRAPE_INTERVAL_SECONDS,
        customizedMetricSpecification: {
          namespace: REQUEST_METRIC_NAMESPACE,
          metricName: REQUEST_METRIC_NAME,
          statistic: "Average",
          dimensions: [{ name: "ServiceName", value: name }],
        },
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
      },
    });

    // Backups: DLM snapshots of every volume tagged for this environment (tag the Informix data volume).
    if (config.informix.host.mode === "create") {
      const backup = config.informix.host.backup;
      // Snapshot copies in the other region are encrypted with a key that lives there.
      const copyKeyArn = backup.crossRegionCopy
        ? new TerraformVariable(this, "snapshot_copy_kms_key_arn", {
            type: "string",
            description: `KMS key in ${backup.crossRegionCopy.targetRegion} for the snapshot copies`,
          }).stringValue
        : undefined;
      const dlmRole = new IamRole(this, "dlm_role", {
        name: `${name}-dlm`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "dlm.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      });
      new IamRolePolicyAttachment(this, "dlm_policy", {
        role: dlmRole.name,
        policyArn: "arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole",
      });
      new DlmLifecyclePolicy(this, "snapshots", {
        description: `${name} data volume snapshots`,
        executionRoleArn: dlmRole.arn,
        state: "ENABLED",
        policyDetails: {
          resourceTypes: ["VOLUME"],
          targetTags: { [BACKUP_TAG_KEY]: config.name },
          schedule: [
            {
              name: `every ${backup.snapshotIntervalHours}h keep ${backup.retainSnapshots}`,
              copyTags: true,
              createRule: {
                interval: backup.snapshotIntervalHours,
                intervalUnit: "HOURS",
                times: backup.snapshotTimesUtc,
              },
              retainRule: { count: backup.retainSnapshots },
              crossRegionCopyRule: backup.crossRegionCopy
                ? [
                    {
                      target: backup.crossRegionCopy.targetRegion,
                      encrypted: true,
                      cmkArn: copyKeyArn,
                      copyTags: true,
                      retainRule: { interval: backup.crossRegionCopy.retainDays, intervalUnit: "DAYS" },
                    },
                  ]
                : undefined,
            },
          ],
        },
      });
    }

    new TerraformOutput(this, "repository_url", { value: repository.repositoryUrl });
    new TerraformOutput(this, "nlb_dns_name", { value: lb.dnsName });
    new TerraformOutput(this, "informix_secret_arn", { value: informixSecret.arn });
    new TerraformOutput(this, "api_key_hashes_secret_arn", { value: apiKeysSecret.arn });
  }
}
