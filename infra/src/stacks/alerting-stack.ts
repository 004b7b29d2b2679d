// Amazon Managed Service for Prometheus workspace with the rule groups from alerts/, an alert manager
// definition routing to an encrypted SNS topic, and that topic for CloudWatch alarms as well.
import { RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import * as aps from "aws-cdk-lib/aws-aps";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type { Construct } from "constructs";
import { readAlertRuleFiles } from "../alert-rules.js";
import type { EnvironmentConfig } from "../config/schema.js";

export interface AlertingStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

export class AlertingStack extends Stack {
  readonly workspace: aps.CfnWorkspace;
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlertingStackProps) {
    super(scope, id, props);
    const { config } = props;

    const key = new kms.Key(this, "AlertsKey", {
      description: "Encrypts the informix-grpc-proxy alert topic",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // The publishers are services: Prometheus' alert manager, CloudWatch alarms and EventBridge (backup failures).
    for (const service of ["aps.amazonaws.com", "cloudwatch.amazonaws.com", "events.amazonaws.com"]) {
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal(service)],
          actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
          resources: ["*"],
          conditions: { StringEquals: { "aws:SourceAccount": this.account } },
        }),
      );
    }

    this.topic = new sns.Topic(this, "AlertsTopic", {
      displayName: `informix-grpc-proxy ${config.name} alerts`,
      masterKey: key,
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default one, so every service that publishes is named: Managed Prometheus'
    // alert manager and CloudWatch alarms (service, backup) here; EventBridge rules add their own statement.
    for (const service of ["aps.amazonaws.com", "cloudwatch.amazonaws.com"]) {
      this.topic.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal(service)],
          actions: ["sns:Publish", "sns:GetTopicAttributes"],
          resources: [this.topic.topicArn],
          conditions: { StringEquals: { "aws:SourceAccount": this.account } },
        }),
      );
    }
    for (const email of config.alerting.emails) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }

    this.workspace = new aps.CfnWorkspace(this, "Workspace", {
      alias: `informix-grpc-proxy-${config.name}`,
      alertManagerDefinition: alertManagerDefinition(this.topic.topicArn, this.region),
    });

    for (const file of readAlertRuleFiles()) {
      new aps.CfnRuleGroupsNamespace(this, `Rules-${file.name}`, {
        workspace: this.workspace.attrArn,
        name: file.name,
        data: file.content,
      });
    }
  }
}

/** Alertmanager configuration in AMP's envelope: one route, to SNS, grouped per alert. */
export function alertManagerDefinition(topicArn: string, region: string): string {
  return [
    "alertmanager_config: |",
    "  route:",
    "    receiver: sns",
    "    group_by: [alertname, severity]",
    "    group_wait: 30s",
    "    group_interval: 5m",
    "    repeat_interval: 4h",
    "  receivers:",
    "    - name: sns",
    "      sns_configs:",
    `        - topic_arn: ${topicArn}`,
    "          sigv4:",
    `            region: ${region}`,
    "          attributes:",
    "            severity: '{{ .CommonLabels.severity }}'",
    "",
  ].join("\n");
}
