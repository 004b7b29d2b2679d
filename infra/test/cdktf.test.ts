// The Terraform variant, checked with cdktf's testing helpers on the synthesized Terraform JSON.
import { DlmLifecyclePolicy } from "@cdktf/provider-aws/lib/dlm-lifecycle-policy/index.js";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository/index.js";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service/index.js";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition/index.js";
import { Lb } from "@cdktf/provider-aws/lib/lb/index.js";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group/index.js";
import { PrometheusRuleGroupNamespace } from "@cdktf/provider-aws/lib/prometheus-rule-group-namespace/index.js";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version/index.js";
import { Testing } from "cdktf";
import { beforeAll, describe, expect, it } from "vitest";
import { ProxyTerraformStack } from "../cdktf/proxy-stack.js";
import { readAlertRuleFiles } from "../src/alert-rules.js";
import { loadEnvironmentConfig } from "../src/config/load.js";
import { API_KEY_HASHES_TEMPLATE } from "../src/stacks/secrets-stack.js";
import { expiredImages } from "./support/ecr-lifecycle.js";

let prod: string;
let prodJson: {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, unknown>>;
};

beforeAll(() => {
  const config = loadEnvironmentConfig("prod");
  prod = Testing.synth(new ProxyTerraformStack(Testing.app(), "test", config));
  prodJson = JSON.parse(prod);
});

function only(type: string): Record<string, unknown> {
  const all = Object.values(prodJson.resource[type] ?? {});
  expect(all, type).toHaveLength(1);
  return all[0] as Record<string, unknown>;
}

describe("Terraform variant", () => {
  it("creates an immutable, scanned, KMS-encrypted registry", () => {
    expect(
      Testing.toHaveResourceWithProperties(prod, EcrRepository.tfResourceType, {
        image_tag_mutability: "IMMUTABLE",
        image_scanning_configuration: { scan_on_push: true },
      }),
    ).toBe(true);
    expect(JSON.stringify(only(EcrRepository.tfResourceType).encryption_configuration)).toContain(
      '"encryption_type":"KMS"',
    );
  });

  it("encrypts the three secrets and writes no secret value, only the empty API-key list", () => {
    const secrets = Object.values(prodJson.resource[SecretsmanagerSecret.tfResourceType] ?? {});
    expect(secrets).toHaveLength(3);
    for (const s of secrets) expect(s.kms_key_id).toBeDefined();
    const versions = Object.values(prodJson.resource[SecretsmanagerSecretVersion.tfResourceType] ?? {});
    expect(versions).toEqual([
      {
        // A Terraform reference, not a JavaScript template.
        secret_id: ["$", "{aws_secretsmanager_secret.api_key_hashes.id}"].join(""),
        secret_string: API_KEY_HASHES_TEMPLATE,
        // The entries operators put afterwards are never overwritten by a later apply.
        lifecycle: { ignore_changes: ["secret_string"] },
      },
    ]);
  });

  it("injects the API-key entries by ARN and renders the same proxy configuration as the CDK app", () => {
    const definitions = String(only(EcsTaskDefinition.tfResourceType).container_definitions);
    expect(definitions).toMatch(
      /"name" = "API_KEY_HASHES", "valueFrom" = "\$\{aws_secretsmanager_secret\.api_key_hashes\.arn\}:apiKeyHashes::"/,
    );
    expect(definitions).toContain("apiKeysSecret:\\n    env: API_KEY_HASHES");
    expect(definitions).not.toContain("insecure");
    const execution = JSON.stringify(prodJson.resource.aws_iam_role_policy?.execution_policy);
    expect(execution).toContain("aws_secretsmanager_secret.api_key_hashes.arn");
  });

  it("passes secrets to the task by ARN and runs it non-root, read-only, with a long stop timeout", () => {
    const definitions = String(only(EcsTaskDefinition.tfResourceType).container_definitions);
    // container_definitions is a jsonencode() expression in HCL syntax.
    expect(definitions).toMatch(
      /"name" = "INFORMIX_PASSWORD", "valueFrom" = "\$\{aws_secretsmanager_secret\.informix_credentials\.arn\}:password::"/,
    );
    expect(definitions).not.toMatch(/"name" = "INFORMIX_PASSWORD", "value" =/);
    expect(definitions.match(/"readonlyRootFilesystem" = true/g)).toHaveLength(3);
    expect(definitions.match(/"user" = "1000:1000"/g)).toHaveLength(3);
    expect(definitions).toContain('"stopTimeout" = 45');
    // prod serves TLS: the PEMs come from the TLS secret by ARN as well.
    expect(definitions).toMatch(
      /"name" = "TLS_KEY_PEM", "valueFrom" = "\$\{aws_secretsmanager_secret\.tls\.arn\}:privateKey::"/,
    );
  });

  it("runs the service with a circuit breaker behind an internal NLB checking /healthz", () => {
    expect(
      Testing.toHaveResourceWithProperties(prod, Lb.tfResourceType, { internal: true, load_balancer_type: "network" }),
    ).toBe(true);
    expect(
      Testing.toHaveResourceWithProperties(prod, LbTargetGroup.tfResourceType, {
        port: 50051,
        protocol: "TCP",
        target_type: "ip",
        health_check: {
          protocol: "HTTP",
          port: "9090",
          path: "/healthz",
          matcher: "200",
          interval: 10,
          timeout: 5,
          healthy_threshold: 2,
          unhealthy_threshold: 2,
        },
      }),
    ).toBe(true);
    expect(only(EcsService.tfResourceType).deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
  });

  it("snapshots the tagged data volume with the environment's retention and an encrypted copy", () => {
    const details = JSON.stringify(only(DlmLifecyclePolicy.tfResourceType).policy_details);
    expect(details).toContain('"retain_rule":{"count":28}');
    expect(details).toContain('"target":"eu-central-1"');
    expect(details).toContain('"informix-grpc-proxy:backup":"prod"');
  });

  it("loads the alert rule files into the Prometheus workspace", () => {
    for (const file of readAlertRuleFiles()) {
      expect(
        Testing.toHaveResourceWithProperties(prod, PrometheusRuleGroupNamespace.tfResourceType, {
          name: file.name,
          data: file.content,
        }),
      ).toBe(true);
    }
  });

  it("keeps its state in S3 with locking, never in a local file", () => {
    const terraform = (prodJson as unknown as { terraform: { backend: Record<string, Record<string, unknown>> } })
      .terraform;
    expect(Object.keys(terraform.backend)).toEqual(["s3"]);
    expect(terraform.backend.s3).toMatchObject({
      bucket: "informix-grpc-proxy-tfstate-prod",
      key: "informix-grpc-proxy/prod/terraform.tfstate",
      encrypt: true,
      use_lockfile: true,
    });
  });

  it("lets Managed Prometheus publish alerts to the topic", () => {
    const policy = only("aws_sns_topic_policy");
    // A Terraform reference, not a JavaScript template.
    expect(policy.arn).toBe(["$", "{aws_sns_topic.alerts.arn}"].join(""));
    const document = JSON.stringify(prodJson.data?.aws_iam_policy_document?.alerts_policy);
    expect(document).toContain("aps.amazonaws.com");
    expect(document).toContain("sns:Publish");
  });

  it("creates the ECS service only after its listener", () => {
    expect(only(EcsService.tfResourceType).depends_on).toEqual(["aws_lb_listener.listener"]);
  });

  it("never expires release images", () => {
    const lifecycle = only("aws_ecr_lifecycle_policy");
    const images = Array.from({ length: 50 }, (_, i) => ({
      digest: String(i),
      tags: i === 0 ? ["sha-0", "v1.0.0"] : [`sha-${i}`],
      pushedAt: i,
    }));
    const expired = expiredImages(String(lifecycle.policy), images, () => 1);
    expect(expired).not.toContain("0");
    expect(expired).toContain("1");
  });

  it("alarms like the CDK service (no running tasks, unhealthy targets) and subscribes the on-call e-mails", () => {
    const alarms = Object.values(prodJson.resource.aws_cloudwatch_metric_alarm ?? {});
    expect(alarms.map((a) => a.metric_name).sort()).toEqual(["RunningTaskCount", "UnHealthyHostCount"]);
    const topicArn = ["$", "{aws_sns_topic.alerts.arn}"].join("");
    for (const alarm of alarms) expect(alarm.alarm_actions).toEqual([topicArn]);
    expect(only("aws_sns_topic_subscription")).toMatchObject({ protocol: "email", endpoint: "oncall@example.com" });
    expect(JSON.stringify(prodJson.data?.aws_iam_policy_document?.alerts_policy)).toContain("cloudwatch.amazonaws.com");
  });
});
