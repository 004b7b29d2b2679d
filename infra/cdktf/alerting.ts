// Alerting: the managed Prometheus workspace, the rule groups from alerts/, and the alert manager to SNS.
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { PrometheusAlertManagerDefinition } from "@cdktf/provider-aws/lib/prometheus-alert-manager-definition/index.js";
import { PrometheusRuleGroupNamespace } from "@cdktf/provider-aws/lib/prometheus-rule-group-namespace/index.js";
import { PrometheusWorkspace } from "@cdktf/provider-aws/lib/prometheus-workspace/index.js";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import type { TerraformStack } from "cdktf";
import { readAlertRuleFiles } from "../src/alert-rules.js";
import { alertManagerDefinition } from "../src/stacks/alerting-stack.js";

export function alerting(stack: TerraformStack, name: string, region: string, key: KmsKey): PrometheusWorkspace {
  const topic = new SnsTopic(stack, "alerts", { name: `${name}-alerts`, kmsMasterKeyId: key.arn });
  const workspace = new PrometheusWorkspace(stack, "workspace", { alias: name, kmsKeyArn: key.arn });
  for (const file of readAlertRuleFiles()) {
    new PrometheusRuleGroupNamespace(stack, `rules_${file.name.replace(/[^A-Za-z0-9_]/g, "_")}`, {
      workspaceId: workspace.id,
      name: file.name,
      data: file.content,
    });
  }
  new PrometheusAlertManagerDefinition(stack, "alert_manager", {
    workspaceId: workspace.id,
    definition: alertManagerDefinition(topic.arn, region),
  });
  return workspace;
}
