// The proxy on ECS Fargate behind an internal NLB (TCP 50051 passthrough, health checks on /healthz),
// with an ADOT sidecar feeding Amazon Managed Prometheus, autoscaling on CPU and request rate, and the
// CloudWatch alarms for what Prometheus cannot see.
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import type * as aps from "aws-cdk-lib/aws-aps";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cwActions from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as ec2 from "aws-cdk-lib/aws-ec2";
import type * as ecr from "aws-cdk-lib/aws-ecr";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as route53 from "aws-cdk-lib/aws-route53";
import * as route53Targets from "aws-cdk-lib/aws-route53-targets";
import type * as sns from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import {
  ADOT_IMAGE,
  REQUEST_METRIC_NAME,
  REQUEST_METRIC_NAMESPACE,
  renderAdotConfig,
  SCRAPE_INTERVAL_SECONDS,
} from "../adot-config.js";
import { type EnvironmentConfig, FARGATE_MAX_HEALTHY_PERCENT, stopTimeoutSeconds } from "../config/schema.js";
import { grantSecretKeyDecrypt, importSecret, type SecretReference } from "../constructs/secret-reference.js";
import { renderProxyConfig, SECRET_ENV } from "../proxy-config.js";
import {
  CONFIG_DIR,
  CONFIG_PATH,
  CONTAINER_UID,
  GRPC_PORT,
  HTTP_PORT,
  LIVENESS_PATH,
  WRITE_CONFIG_ENTRYPOINT,
} from "../proxy-contract.js";
import { SECRET_KEYS } from "./secrets-stack.js";

export { ADOT_IMAGE };

export interface ServiceStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly vpc: ec2.IVpc;
  readonly proxySecurityGroup: ec2.ISecurityGroup;
  readonly loadBalancerSecurityGroup: ec2.ISecurityGroup;
  readonly repository: ecr.IRepository;
  readonly informixCredentials: SecretReference;
  /** The SELECT-only user of read-only roles. */
  readonly informixReaderCredentials: SecretReference;
  readonly apiKeyHashes: SecretReference;
  readonly tlsMaterial: SecretReference;
  readonly informixHost: string;
  readonly workspace: aps.CfnWorkspace;
  readonly alarmTopic: sns.ITopic;
}

export class ServiceStack extends Stack {
  readonly cluster: ecs.Cluster;
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  readonly targetGroup: elbv2.NetworkTargetGroup;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const serviceName = `informix-grpc-proxy-${config.name}`;
    const drainSeconds = Math.ceil(config.proxy.drainTimeoutMs / 1000);

    this.cluster = new ecs.Cluster(this, "Cluster", {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    // The proxy's log group is also the audit trail (audit: stdout): encrypted with its own key and kept
    // when the stack goes, wherever the environment retains data.
    const logGroupName = `/informix-grpc-proxy/${config.name}`;
    const logsKey = new kms.Key(this, "LogsKey", {
      description: `Encrypts the informix-grpc-proxy ${config.name} logs and audit records`,
      enableKeyRotation: true,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // CloudWatch Logs' documented key policy: the service may use the key for these two log groups only
    // (the encryption context names the group); DescribeKey carries no encryption context.
    const logsPrincipal = new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`);
    const groupArn = (name: string) => `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:${name}`;
    logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [logsPrincipal],
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
        resources: ["*"],
        // StringEquals, not ArnEquals: encryption context values are strings (the linter checks the type).
        conditions: {
          StringEquals: {
            "kms:EncryptionContext:aws:logs:arn": [groupArn(logGroupName), groupArn(`${logGroupName}/metrics`)],
          },
        },
      }),
    );
    logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [logsPrincipal],
        actions: ["kms:DescribeKey"],
        resources: ["*"],
        conditions: { StringEquals: { "aws:SourceAccount": this.account } },
      }),
    );
    const logGroup = new logs.LogGroup(this, "Logs", {
      logGroupName,
      retention: config.logRetentionDays,
      encryptionKey: logsKey,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const emfLogGroup = new logs.LogGroup(this, "MetricsLogs", {
      logGroupName: `${logGroupName}/metrics`,
      retention: logs.RetentionDays.ONE_WEEK,
      encryptionKey: logsKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, "Task", {
      cpu: config.fargate.cpu,
      memoryLimitMiB: config.fargate.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      volumes: [{ name: "config" }, { name: "tmp" }],
    });

    const informixCredentials = importSecret(this, "InformixCredentials", props.informixCredentials);
    const informixReader = importSecret(this, "InformixReaderCredentials", props.informixReaderCredentials);
    const apiKeyHashes = importSecret(this, "ApiKeyHashes", props.apiKeyHashes);
    const tlsMaterial = config.proxy.tls ? importSecret(this, "TlsMaterial", props.tlsMaterial) : undefined;
    const mtls = config.proxy.security.mtls !== undefined;
    const image = ecs.ContainerImage.fromEcrRepository(props.repository, config.image.tag);
    const proxyConfig = renderProxyConfig({
      config,
      informixHost: props.informixHost,
      informixUser: { env: SECRET_ENV.informixUser },
      informixPassword: { env: SECRET_ENV.informixPassword },
      informixReader: {
        user: { env: SECRET_ENV.informixReaderUser },
        password: { env: SECRET_ENV.informixReaderPassword },
      },
      apiKeyHashes: { env: SECRET_ENV.apiKeyHashes },
      tls: tlsMaterial
        ? {
            cert: { secret: { env: SECRET_ENV.tlsCertificate } },
            key: { secret: { env: SECRET_ENV.tlsPrivateKey } },
            clientCa: mtls ? { secret: { env: SECRET_ENV.tlsClientCa } } : undefined,
          }
        : undefined,
    });

    // The root filesystem is read-only, so a short-lived init container writes the (secret-free) config
    // file into a task volume that the proxy then mounts read-only.
    const writeConfig = this.taskDefinition.addContainer("write-config", {
      image,
      essential: false,
      user: CONTAINER_UID,
      readonlyRootFilesystem: true,
      entryPoint: WRITE_CONFIG_ENTRYPOINT,
      command: [CONFIG_PATH],
      environment: { PROXY_CONFIG_YAML: proxyConfig },
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: "write-config" }),
    });
    writeConfig.addMountPoints({ sourceVolume: "config", containerPath: CONFIG_DIR, readOnly: false });

    const proxy = this.taskDefinition.addContainer("proxy", {
      image,
      essential: true,
      user: CONTAINER_UID,
      readonlyRootFilesystem: true,
      command: ["serve", "--config", CONFIG_PATH],
      portMappings: [
        { name: "grpc", containerPort: GRPC_PORT, protocol: ecs.Protocol.TCP },
        { name: "http", containerPort: HTTP_PORT, protocol: ecs.Protocol.TCP },
      ],
      // Secrets Manager values reach the process as environment variables resolved by the ECS agent;
      // the task definition holds only their ARNs.
      secrets: {
        [SECRET_ENV.informixUser]: ecs.Secret.fromSecretsManager(informixCredentials, SECRET_KEYS.informixUser),
        [SECRET_ENV.informixPassword]: ecs.Secret.fromSecretsManager(informixCredentials, SECRET_KEYS.informixPassword),
        [SECRET_ENV.informixReaderUser]: ecs.Secret.fromSecretsManager(informixReader, SECRET_KEYS.informixUser),
        [SECRET_ENV.informixReaderPassword]: ecs.Secret.fromSecretsManager(
          informixReader,
          SECRET_KEYS.informixPassword,
        ),
        [SECRET_ENV.apiKeyHashes]: ecs.Secret.fromSecretsManager(apiKeyHashes, SECRET_KEYS.apiKeyHashes),
        ...(tlsMaterial
          ? {
              [SECRET_ENV.tlsCertificate]: ecs.Secret.fromSecretsManager(tlsMaterial, SECRET_KEYS.tlsCertificate),
              [SECRET_ENV.tlsPrivateKey]: ecs.Secret.fromSecretsManager(tlsMaterial, SECRET_KEYS.tlsPrivateKey),
            }
          : {}),
        ...(tlsMaterial && mtls
          ? { [SECRET_ENV.tlsClientCa]: ecs.Secret.fromSecretsManager(tlsMaterial, SECRET_KEYS.tlsClientCa) }
          : {}),
      },
      environment: { NODE_ENV: "production" },
      stopTimeout: Duration.seconds(stopTimeoutSeconds(config.proxy.drainTimeoutMs)),
      healthCheck: {
        command: [
          "CMD",
          "node",
          "-e",
          `fetch('http://127.0.0.1:${HTTP_PORT}${LIVENESS_PATH}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
        ],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(30),
      },
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: "proxy" }),
    });
    proxy.addMountPoints(
      { sourceVolume: "config", containerPath: CONFIG_DIR, readOnly: true },
      { sourceVolume: "tmp", containerPath: "/tmp", readOnly: false },
    );
    proxy.addContainerDependencies({ container: writeConfig, condition: ecs.ContainerDependencyCondition.SUCCESS });

    const collector = this.taskDefinition.addContainer("adot-collector", {
      image: ecs.ContainerImage.fromRegistry(ADOT_IMAGE),
      essential: false,
      user: CONTAINER_UID,
      readonlyRootFilesystem: true,
      memoryReservationMiB: 128,
      environment: {
        AOT_CONFIG_CONTENT: renderAdotConfig({
          region: this.region,
          prometheusEndpoint: props.workspace.attrPrometheusEndpoint,
          serviceName,
          emfLogGroupName: emfLogGroup.logGroupName,
        }),
      },
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: "adot" }),
    });
    // ecs.Secret.fromSecretsManager grants GetSecretValue to the execution role but not the key's Decrypt for
    // an imported secret and key: without it the agent cannot inject the values and no task starts.
    const executionRole = this.taskDefinition.obtainExecutionRole();
    grantSecretKeyDecrypt(this, executionRole, props.informixCredentials);
    grantSecretKeyDecrypt(this, executionRole, props.apiKeyHashes);
    if (tlsMaterial) grantSecretKeyDecrypt(this, executionRole, props.tlsMaterial);

    collector.addContainerDependencies({ container: proxy, condition: ecs.ContainerDependencyCondition.START });

    // The collector writes to this workspace only, and its EMF log group only.
    this.taskDefinition.taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ["aps:RemoteWrite"], resources: [props.workspace.attrArn] }),
    );
    emfLogGroup.grantWrite(this.taskDefinition.taskRole);
    // DescribeLogGroups is account-wide (Resource "*" only): the group exists, so the exporter needs it not.
    this.taskDefinition.taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ["logs:DescribeLogStreams"], resources: [emfLogGroup.logGroupArn] }),
    );

    this.service = new ecs.FargateService(this, "Service", {
      serviceName,
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: config.fargate.desiredCount,
      securityGroups: [props.proxySecurityGroup],
      vpcSubnets: { subnets: props.vpc.privateSubnets },
      assignPublicIp: false,
      minHealthyPercent: 100,
      maxHealthyPercent: FARGATE_MAX_HEALTHY_PERCENT,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
      enableExecuteCommand: false,
    });

    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, "LoadBalancer", {
      vpc: props.vpc,
      internetFacing: false,
      vpcSubnets: { subnets: props.vpc.privateSubnets },
      securityGroups: [props.loadBalancerSecurityGroup],
      crossZoneEnabled: true,
      deletionProtection: config.retainData,
    });
    const listener = this.loadBalancer.addListener("Grpc", { port: GRPC_PORT, protocol: elbv2.Protocol.TCP });
    this.targetGroup = listener.addTargets("Proxy", {
      port: GRPC_PORT,
      protocol: elbv2.Protocol.TCP,
      targets: [this.service.loadBalancerTarget({ containerName: "proxy", containerPort: GRPC_PORT })],
      // Deregistration waits as long as the proxy drains, so in-flight calls finish before SIGTERM's deadline.
      deregistrationDelay: Duration.seconds(drainSeconds),
      // Liveness, not readiness: /readyz fails whenever the database does, and an NLB target that fails its
      // check makes ECS replace the task. With /readyz the first deploy (service before Informix) rolls back
      // and every database outage replaces every task. Tasks stay registered while the database is down and
      // answer UNAVAILABLE; grpc.health.v1 and /readyz tell clients and operators whether it is reachable.
      healthCheck: {
        protocol: elbv2.Protocol.HTTP,
        port: String(HTTP_PORT),
        path: LIVENESS_PATH,
        healthyHttpCodes: "200",
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
      },
    });

    const scaling = this.service.autoScaleTaskCount({
      minCapacity: config.fargate.minCount,
      maxCapacity: config.fargate.maxCount,
    });
    scaling.scaleOnCpuUtilization("Cpu", {
      targetUtilizationPercent: config.fargate.cpuTargetPercent,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.seconds(300),
    });
    // Each task's collector publishes its call counter as a delta per scrape, so the average over the
    // datapoints is calls per task per scrape interval.
    scaling.scaleToTrackCustomMetric("RequestRate", {
      metric: new cloudwatch.Metric({
        namespace: REQUEST_METRIC_NAMESPACE,
        metricName: REQUEST_METRIC_NAME,
        dimensionsMap: { ServiceName: serviceName },
        statistic: cloudwatch.Stats.AVERAGE,
        period: Duration.minutes(1),
      }),
      targetValue: config.fargate.requestsPerSecondPerTask * SCRAPE_INTERVAL_SECONDS,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.seconds(300),
    });

    this.addAlarms(serviceName, props.alarmTopic);
    if (config.dns) this.addPrivateName(config.dns, props.vpc);

    // What deploy.yml reads: the smoke test's target and the image a rollback returns to.
    new CfnOutput(this, "LoadBalancerDnsName", { value: this.loadBalancer.loadBalancerDnsName });
    new CfnOutput(this, "GrpcTls", { value: String(config.proxy.tls) });
    new CfnOutput(this, "ImageDigest", {
      value: config.image.tag.startsWith("sha256:") ? config.image.tag : `tag:${config.image.tag}`,
    });
  }

  /** The name clients (and the TLS certificate) use: an alias record to the NLB in a private hosted zone. */
  private addPrivateName(dns: NonNullable<EnvironmentConfig["dns"]>, vpc: ec2.IVpc): void {
    const zone = dns.existingZoneId
      ? route53.HostedZone.fromHostedZoneAttributes(this, "Zone", {
          hostedZoneId: dns.existingZoneId,
          zoneName: dns.zoneName,
        })
      : new route53.PrivateHostedZone(this, "Zone", { zoneName: dns.zoneName, vpc });
    const record = new route53.ARecord(this, "GrpcName", {
      zone,
      recordName: dns.recordName,
      target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(this.loadBalancer)),
    });
    new CfnOutput(this, "GrpcEndpoint", { value: `${record.domainName}:${GRPC_PORT}` });
  }

  /** What Prometheus cannot report: no task running at all, and targets the NLB considers unhealthy. */
  private addAlarms(serviceName: string, topic: sns.ITopic): void {
    const action = new cwActions.SnsAction(topic);
    const noTasks = new cloudwatch.Alarm(this, "NoRunningTasks", {
      alarmDescription: `${serviceName}: no running tasks (see docs/runbooks/ProxyDown.md)`,
      metric: new cloudwatch.Metric({
        namespace: "ECS/ContainerInsights",
        metricName: "RunningTaskCount",
        dimensionsMap: { ClusterName: this.cluster.clusterName, ServiceName: serviceName },
        statistic: cloudwatch.Stats.MINIMUM,
        period: Duration.minutes(1),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    const unhealthy = new cloudwatch.Alarm(this, "UnhealthyTargets", {
      alarmDescription: `${serviceName}: NLB targets failing /healthz (see docs/runbooks/ProxyDown.md)`,
      metric: this.targetGroup.metrics.unHealthyHostCount({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [noTasks, unhealthy]) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }
}
