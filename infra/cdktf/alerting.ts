// Alerting: the managed Prometheus workspace, the rule groups from alerts/, and the alert manager to SNS.
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { PrometheusAlertManagerDefinition } from "@cdktf/provider-aws/lib/prometheus-alert-manager-definition/index.js";
import { PrometheusRuleGroupNamespace } from "@cdktf/provider-aws/lib/prometheus-rule-group-namespace/index.js";
import { PrometheusWorkspace } from "@cdktf/provider-aws/lib/prometheus-workspace/index.js";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy/index.js";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription/index.js";
import type { TerraformStack } from "cdktf";
import { readAlertRuleFiles } from "../src/alert-rules.js";
import { alertManagerDefinition } from "../src/stacks/alerting-stack.js";

export function alerting(
  stack: TerraformStack,
  name: string,
  region: string,
  accountId: string,
  key: KmsKey,
  emails: readonly string[],
): { workspace: PrometheusWorkspace; topic: SnsTopic } {
  const topic = new SnsTopic(stack, "alerts", { name: `${name}-alerts`, kmsMasterKeyId: key.arn });
  // Managed Prometheus' alert manager publishes as the aps service: without this policy every alert is
  // dropped (the CDK Alerting stack has the same statement).
  const topicPolicy = new DataAwsIamPolicyDocument(stack, "alerts_policy", {
    statement: [
      {
        // A topic policy replaces SNS's default one: name every service that publishes.
        sid: "ServicesPublish",
        principals: [{ type: "Service", identifiers: ["aps.amazonaws.com", "cloudwatch.amazonaws.com"] }],
        actions: ["sns:Publish", "sns:GetTopicAttributes"],
        resources: [topic.arn],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
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
  new SnsTopicPolicy(stack, "alerts_topic_policy", { arn: topic.arn, policy: topicPolicy.json });
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
  for (const [i, email] of emails.entries()) {
    new SnsTopicSubscription(stack, `alerts_email_${i}`, { topicArn: topic.arn, protocol: "email", endpoint: email });
  }
  return { workspace, topic };
}
