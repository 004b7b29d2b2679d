// What Prometheus cannot report, as in the CDK Service stack: no task running at all, and NLB targets failing
// their health check; both to the alert topic (e-mail subscribers from the environment file).
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import type { EcsService } from "@cdktf/provider-aws/lib/ecs-service/index.js";
import type { Lb } from "@cdktf/provider-aws/lib/lb/index.js";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group/index.js";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import type { TerraformStack } from "cdktf";

export function serviceAlarms(
  stack: TerraformStack,
  name: string,
  parts: { service: EcsService; clusterName: string; lb: Lb; targetGroup: LbTargetGroup; topic: SnsTopic },
): void {
  const actions = { alarmActions: [parts.topic.arn], okActions: [parts.topic.arn] };
  new CloudwatchMetricAlarm(stack, "no_running_tasks", {
    alarmName: `${name}-no-running-tasks`,
    alarmDescription: `${name}: no running tasks (see docs/runbooks/ProxyDown.md)`,
    namespace: "ECS/ContainerInsights",
    metricName: "RunningTaskCount",
    dimensions: { ClusterName: parts.clusterName, ServiceName: parts.service.name },
    statistic: "Minimum",
    period: 60,
    evaluationPeriods: 2,
    threshold: 1,
    comparisonOperator: "LessThanThreshold",
    treatMissingData: "breaching",
    ...actions,
  });
  new CloudwatchMetricAlarm(stack, "unhealthy_targets", {
    alarmName: `${name}-unhealthy-targets`,
    alarmDescription: `${name}: NLB targets failing /healthz (see docs/runbooks/ProxyDown.md)`,
    namespace: "AWS/NetworkELB",
    metricName: "UnHealthyHostCount",
    dimensions: { LoadBalancer: parts.lb.arnSuffix, TargetGroup: parts.targetGroup.arnSuffix },
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 3,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    ...actions,
  });
}
