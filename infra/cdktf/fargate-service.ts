// The internal NLB in front of the tasks, the ECS service (rolling, with circuit-breaker rollback) and its
// autoscaling on CPU and on requests per task.
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy/index.js";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target/index.js";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster/index.js";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service/index.js";
import type { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition/index.js";
import { Lb } from "@cdktf/provider-aws/lib/lb/index.js";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener/index.js";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group/index.js";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import type { TerraformStack } from "cdktf";
import { REQUEST_METRIC_NAME, REQUEST_METRIC_NAMESPACE, SCRAPE_INTERVAL_SECONDS } from "../src/adot-config.js";
import type { EnvironmentConfig } from "../src/config/schema.js";
import { GRPC_PORT, HTTP_PORT, LIVENESS_PATH } from "../src/proxy-contract.js";
import type { NetworkInputs } from "./network.js";

export function loadBalancer(
  stack: TerraformStack,
  config: EnvironmentConfig,
  network: Pick<NetworkInputs, "vpcId" | "subnetIds">,
  lbGroup: SecurityGroup,
): { lb: Lb; targetGroup: LbTargetGroup; listener: LbListener } {
  const lb = new Lb(stack, "nlb", {
    name: `igp-${config.name}`.slice(0, 32),
    internal: true,
    loadBalancerType: "network",
    subnets: network.subnetIds,
    securityGroups: [lbGroup.id],
    enableCrossZoneLoadBalancing: true,
    enableDeletionProtection: true,
  });
  const targetGroup = new LbTargetGroup(stack, "targets", {
    name: `igp-${config.name}-grpc`.slice(0, 32),
    port: GRPC_PORT,
    protocol: "TCP",
    targetType: "ip",
    vpcId: network.vpcId,
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
  const listener = new LbListener(stack, "listener", {
    loadBalancerArn: lb.arn,
    port: GRPC_PORT,
    protocol: "TCP",
    defaultAction: [{ type: "forward", targetGroupArn: targetGroup.arn }],
  });
  return { lb, targetGroup, listener };
}

export function fargateService(
  stack: TerraformStack,
  name: string,
  config: EnvironmentConfig,
  parts: {
    taskDefinition: EcsTaskDefinition;
    subnetIds: string[];
    proxyGroup: SecurityGroup;
    targetGroup: LbTargetGroup;
    listener: LbListener;
  },
): EcsService {
  const cluster = new EcsCluster(stack, "cluster", {
    name,
    setting: [{ name: "containerInsights", value: "enabled" }],
  });
  const service = new EcsService(stack, "service", {
    name,
    cluster: cluster.id,
    taskDefinition: parts.taskDefinition.arn,
    desiredCount: config.fargate.desiredCount,
    launchType: "FARGATE",
    deploymentMinimumHealthyPercent: 100,
    deploymentMaximumPercent: 200,
    deploymentCircuitBreaker: { enable: true, rollback: true },
    healthCheckGracePeriodSeconds: 60,
    networkConfiguration: { subnets: parts.subnetIds, securityGroups: [parts.proxyGroup.id], assignPublicIp: false },
    loadBalancer: [{ targetGroupArn: parts.targetGroup.arn, containerName: "proxy", containerPort: GRPC_PORT }],
    lifecycle: { ignoreChanges: ["desired_count"] },
    // ECS refuses a service whose target group is not yet attached to a load balancer.
    dependsOn: [parts.listener],
  });
  autoscaling(stack, name, config, `service/${cluster.name}/${service.name}`);
  return service;
}

function autoscaling(stack: TerraformStack, name: string, config: EnvironmentConfig, resourceId: string): void {
  const scaling = new AppautoscalingTarget(stack, "scaling", {
    serviceNamespace: "ecs",
    scalableDimension: "ecs:service:DesiredCount",
    resourceId,
    minCapacity: config.fargate.minCount,
    maxCapacity: config.fargate.maxCount,
  });
  new AppautoscalingPolicy(stack, "scale_cpu", {
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
  new AppautoscalingPolicy(stack, "scale_requests", {
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
}
