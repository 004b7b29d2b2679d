// Properties that matter in the Fargate deployment, read from the synthesized dev and prod templates.
import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { readAlertRuleFiles } from "../src/alert-rules.js";
import { stopTimeoutSeconds } from "../src/config/schema.js";
import { type SynthesizedEnvironment, synthesize } from "./synth.js";

let dev: SynthesizedEnvironment;
let prod: SynthesizedEnvironment;

beforeAll(() => {
  dev = synthesize("dev");
  prod = synthesize("prod");
});

type Container = {
  Name: string;
  User?: string;
  ReadonlyRootFilesystem?: boolean;
  Environment?: { Name: string; Value: unknown }[];
  Secrets?: { Name: string; ValueFrom: unknown }[];
  StopTimeout?: number;
};

function containers(env: SynthesizedEnvironment): Container[] {
  const defs = env.template("service").findResources("AWS::ECS::TaskDefinition");
  const [def] = Object.values(defs);
  return (def?.Properties as { ContainerDefinitions: Container[] } | undefined)?.ContainerDefinitions ?? [];
}

describe("task definition", () => {
  it("passes secrets only as Secrets Manager references, never as environment values", () => {
    const all = containers(dev);
    const proxy = all.find((c) => c.Name === "proxy");
    expect(proxy?.Secrets?.map((s) => s.Name).sort()).toEqual([
      "API_KEY_HASHES",
      "INFORMIX_PASSWORD",
      "INFORMIX_READER_PASSWORD",
      "INFORMIX_READER_USER",
      "INFORMIX_USER",
    ]);
    for (const secret of (proxy?.Secrets ?? []).filter((s) => s.Name.startsWith("INFORMIX_"))) {
      const source = secret.Name.startsWith("INFORMIX_READER_") ? "InformixReaderCredentials" : "InformixCredentials";
      expect(JSON.stringify(secret.ValueFrom)).toMatch(new RegExp(`${source}[^"]*".*":(password|username)::"`));
    }
    const environment = JSON.stringify(all.flatMap((c) => c.Environment ?? []));
    expect(environment).not.toMatch(/SecretString|secretsmanager:|resolve:secretsmanager/i);
    expect(environment).not.toMatch(/"password"\s*:\s*"[^{]/);
    // The config file refers to the secret by environment variable name only.
    expect(environment).toContain("password:\\n      env: INFORMIX_PASSWORD");
  });

  it("serves TLS where the environment asks for it, with the PEMs from the TLS secret (prod)", () => {
    const proxy = containers(prod).find((c) => c.Name === "proxy");
    expect(proxy?.Secrets?.map((s) => s.Name).sort()).toEqual([
      "API_KEY_HASHES",
      "INFORMIX_PASSWORD",
      "INFORMIX_READER_PASSWORD",
      "INFORMIX_READER_USER",
      "INFORMIX_USER",
      "TLS_CERT_PEM",
      "TLS_KEY_PEM",
    ]);
    const tlsKey = proxy?.Secrets?.find((s) => s.Name === "TLS_KEY_PEM");
    expect(JSON.stringify(tlsKey?.ValueFrom)).toMatch(/TlsMaterial.*":privateKey::"/);
    const environment = JSON.stringify(containers(prod).flatMap((c) => c.Environment ?? []));
    expect(environment).toContain("tls:\\n    cert:\\n      secret:\\n        env: TLS_CERT_PEM");
    expect(JSON.stringify(containers(dev))).not.toContain("TLS_");
  });

  it("injects the API-key entries from the API-key secret's apiKeyHashes key, never as plaintext", () => {
    for (const env of [dev, prod]) {
      const all = containers(env);
      const apiKeys = all.find((c) => c.Name === "proxy")?.Secrets?.find((s) => s.Name === "API_KEY_HASHES");
      // An imported secret's complete ARN (from the Secrets stack) with the JSON key: ARN:apiKeyHashes::
      expect(JSON.stringify(apiKeys?.ValueFrom)).toMatch(/ApiKeyHashes.*":apiKeyHashes::"/);
      expect(all.flatMap((c) => c.Environment ?? []).map((e) => e.Name)).not.toContain("API_KEY_HASHES");
      // The config file names the variable, so the proxy reads the entries from it at start.
      expect(JSON.stringify(all.flatMap((c) => c.Environment ?? []))).toContain(
        "apiKeysSecret:\\n    env: API_KEY_HASHES",
      );
    }
  });

  it("lets the execution role read the API-key secret by its ARN, not every secret", () => {
    type Statement = { Action: string | string[]; Resource: unknown };
    const statements = Object.values(prod.template("service").findResources("AWS::IAM::Policy")).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Statement[],
    );
    const reading = statements.filter((s) => [s.Action].flat().includes("secretsmanager:GetSecretValue"));
    expect(reading.map((s) => JSON.stringify(s.Resource)).join()).toMatch(/ApiKeyHashes/);
    for (const statement of reading) expect(statement.Resource).not.toBe("*");
  });

  it("runs every container as a non-root user on a read-only root filesystem", () => {
    for (const container of containers(dev)) {
      expect(container.User, container.Name).toBe("1000:1000");
      expect(container.ReadonlyRootFilesystem, container.Name).toBe(true);
    }
  });

  it("stops the proxy later than its drain timeout", () => {
    const proxy = containers(dev).find((c) => c.Name === "proxy");
    expect(proxy?.StopTimeout).toBe(stopTimeoutSeconds(dev.config.proxy.drainTimeoutMs));
    expect(proxy?.StopTimeout).toBeGreaterThan(dev.config.proxy.drainTimeoutMs / 1000);
  });

  it("sizes the task from the environment's configuration", () => {
    dev.template("service").hasResourceProperties("AWS::ECS::TaskDefinition", { Cpu: "512", Memory: "1024" });
    prod.template("service").hasResourceProperties("AWS::ECS::TaskDefinition", { Cpu: "1024", Memory: "2048" });
  });

  it("scrapes /metrics with an ADOT sidecar that may write to the workspace only", () => {
    const collector = containers(dev).find((c) => c.Name === "adot-collector");
    expect(JSON.stringify(collector?.Environment)).toContain("api/v1/remote_write");
    dev.template("service").hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: "aps:RemoteWrite",
            Resource: Match.objectLike({ "Fn::ImportValue": Match.anyValue() }),
          }),
        ]),
      },
    });
  });
});

describe("service and load balancer", () => {
  it("keeps the NLB internal and passes TCP 50051 through", () => {
    const t = dev.template("service");
    t.hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", { Scheme: "internal", Type: "network" });
    t.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", { Port: 50051, Protocol: "TCP" });
  });

  it("checks target health on the HTTP /healthz endpoint (the process, not the database)", () => {
    dev.template("service").hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", {
      Port: 50051,
      Protocol: "TCP",
      TargetType: "ip",
      HealthCheckProtocol: "HTTP",
      HealthCheckPort: "9090",
      HealthCheckPath: "/healthz",
    });
  });

  it("rolls back a failing deployment", () => {
    dev.template("service").hasResourceProperties("AWS::ECS::Service", {
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: "DISABLED" }) },
    });
  });

  it("scales on CPU and on the request rate", () => {
    const t = prod.template("service");
    t.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", { MinCapacity: 3, MaxCapacity: 12 });
    t.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" },
      }),
    });
    t.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        CustomizedMetricSpecification: Match.objectLike({ MetricName: "grpc_server_started_total" }),
        TargetValue: 300 * 15,
      }),
    });
  });

  it("keeps logs for the configured retention", () => {
    dev
      .template("service")
      .hasResourceProperties("AWS::Logs::LogGroup", { LogGroupName: "/informix-grpc-proxy/dev", RetentionInDays: 14 });
  });

  it("alarms on no running tasks and unhealthy targets, to the alert topic", () => {
    const t = dev.template("service");
    t.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "RunningTaskCount",
      ComparisonOperator: "LessThanThreshold",
      Threshold: 1,
      AlarmActions: [Match.objectLike({ "Fn::ImportValue": Match.anyValue() })],
    });
    t.hasResourceProperties("AWS::CloudWatch::Alarm", { MetricName: "UnHealthyHostCount", Threshold: 0 });
  });
});

describe("security groups", () => {
  type Ingress = { FromPort: number; ToPort: number; SourceSecurityGroupId?: unknown; CidrIp?: string };
  function ingressOf(env: SynthesizedEnvironment, description: RegExp): Ingress[] {
    const t = env.template("network");
    const groups = t.findResources("AWS::EC2::SecurityGroup");
    const [id] = Object.entries(groups).find(([, g]) => description.test(String(g.Properties.GroupDescription))) ?? [];
    const standalone = Object.values(t.findResources("AWS::EC2::SecurityGroupIngress"))
      .map((r) => r.Properties)
      .filter((p) => JSON.stringify(p.GroupId).includes(String(id)));
    const inline = (groups[String(id)]?.Properties.SecurityGroupIngress ?? []) as Ingress[];
    return [...inline, ...standalone];
  }

  it("admits DRDA and SQLI to Informix from the proxy's group only, and nothing else", () => {
    const rules = ingressOf(dev, /^Informix host/);
    expect(rules.map((r) => r.FromPort).sort()).toEqual([9088, 9089]);
    for (const rule of rules) {
      expect(rule.CidrIp).toBeUndefined();
      expect(JSON.stringify(rule.SourceSecurityGroupId)).toContain("ProxySecurityGroup");
    }
  });

  it("admits gRPC and health checks to the proxy from the NLB's group only", () => {
    const rules = ingressOf(dev, /^informix-grpc-proxy tasks/);
    expect(rules.map((r) => r.FromPort).sort()).toEqual([50051, 9090]);
    for (const rule of rules) {
      expect(JSON.stringify(rule.SourceSecurityGroupId)).toContain("LoadBalancerSecurityGroup");
    }
  });

  it("opens the NLB to the VPC's range only", () => {
    const rules = ingressOf(dev, /^Internal NLB/);
    expect(rules).toEqual([expect.objectContaining({ CidrIp: "10.40.0.0/16", FromPort: 50051 })]);
  });

  it("never opens SSH", () => {
    const all = JSON.stringify(dev.template("network").toJSON());
    expect(all).not.toMatch(/"FromPort":\s*22\b/);
  });
});

describe("encryption and registry", () => {
  it("makes ECR tags immutable, scans on push and encrypts with KMS", () => {
    dev.template("registry").hasResourceProperties("AWS::ECR::Repository", {
      ImageTagMutability: "IMMUTABLE",
      ImageScanningConfiguration: { ScanOnPush: true },
      EncryptionConfiguration: { EncryptionType: "KMS", KmsKey: Match.anyValue() },
      LifecyclePolicy: Match.anyValue(),
    });
  });

  it("encrypts every secret with the customer-managed key", () => {
    const secrets = dev.template("secrets").findResources("AWS::SecretsManager::Secret");
    // Informix writer, Informix reader (least privilege), API-key hashes, TLS material.
    expect(Object.keys(secrets)).toHaveLength(4);
    for (const secret of Object.values(secrets)) {
      expect(secret.Properties.KmsKeyId).toBeDefined();
    }
  });

  it("encrypts the gp3 data volume and versions and encrypts the archive bucket", () => {
    const t = prod.template("informixHost");
    t.hasResourceProperties("AWS::EC2::Volume", { Encrypted: true, VolumeType: "gp3", Size: 500, Iops: 6000 });
    t.hasResourceProperties("AWS::S3::Bucket", {
      VersioningConfiguration: { Status: "Enabled" },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: "aws:kms" }) }),
        ],
      },
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
    });
  });

  it("manages the host through SSM, without a key pair, with IMDSv2", () => {
    const t = dev.template("informixHost");
    const [instance] = Object.values(t.findResources("AWS::EC2::Instance"));
    expect(instance?.Properties.KeyName).toBeUndefined();
    t.hasResourceProperties("AWS::IAM::Role", {
      ManagedPolicyArns: [
        Match.objectLike({ "Fn::Join": ["", Match.arrayWith([":iam::aws:policy/AmazonSSMManagedInstanceCore"])] }),
      ],
    });
    t.hasResourceProperties("AWS::EC2::LaunchTemplate", {
      LaunchTemplateData: { MetadataOptions: { HttpTokens: "required" } },
    });
  });
});

describe("backups", () => {
  it("snapshots every volume of the tagged host (root and data), Informix blocked around it", () => {
    const t = dev.template("informixHost");
    t.hasResourceProperties("AWS::DLM::LifecyclePolicy", {
      State: "ENABLED",
      PolicyDetails: Match.objectLike({
        ResourceTypes: ["INSTANCE"],
        TargetTags: [{ Key: "informix-grpc-proxy:backup", Value: "dev" }],
        Parameters: { ExcludeBootVolume: false },
        Schedules: [
          Match.objectLike({
            RetainRule: { Count: 7 },
            CreateRule: Match.objectLike({
              Interval: 24,
              Scripts: [Match.objectLike({ Stages: ["PRE", "POST"], ExecutionHandlerService: "AWS_SYSTEMS_MANAGER" })],
            }),
          }),
        ],
      }),
    });
    t.hasResourceProperties("AWS::EC2::Instance", {
      Tags: Match.arrayWith([{ Key: "informix-grpc-proxy:backup", Value: "dev" }]),
    });
    const documents = Object.values(t.findResources("AWS::SSM::Document")).map((d) => JSON.stringify(d.Properties));
    const consistency = documents.find((d) => d.includes("onmode -c block"));
    expect(consistency).toContain("onmode -c unblock");
    expect(consistency).toContain("pre-script");
  });

  it("alarms on failed snapshots, scripts and archive runs, to the alert topic", () => {
    const t = prod.template("informixHost");
    for (const metric of ["SnapshotsCreateFailed", "PreScriptFailed", "PostScriptFailed"]) {
      t.hasResourceProperties("AWS::CloudWatch::Alarm", {
        Namespace: "AWS/EBS",
        MetricName: metric,
        AlarmActions: [Match.objectLike({ "Fn::ImportValue": Match.anyValue() })],
      });
    }
    t.hasResourceProperties("AWS::Events::Rule", {
      EventPattern: Match.objectLike({
        source: ["aws.ssm"],
        detail: Match.objectLike({ status: ["Failed", "TimedOut", "Cancelled"] }),
      }),
    });
  });

  it("copies prod snapshots to a second region, encrypted", () => {
    prod.template("informixHost").hasResourceProperties("AWS::DLM::LifecyclePolicy", {
      PolicyDetails: Match.objectLike({
        Schedules: [
          Match.objectLike({
            RetainRule: { Count: 28 },
            CrossRegionCopyRules: [Match.objectLike({ TargetRegion: "eu-central-1", Encrypted: true })],
          }),
        ],
      }),
    });
  });

  it("schedules the onbar/ontape archive document on the host", () => {
    const t = prod.template("informixHost");
    t.hasResourceProperties("AWS::SSM::Association", {
      ScheduleExpression: "cron(30 2 * * ? *)",
      Parameters: { Tool: ["onbar"], Level: ["0"] },
    });
    const doc = Object.values(t.findResources("AWS::SSM::Document")).find((d) =>
      JSON.stringify(d.Properties.Content).includes("ontape"),
    );
    expect(JSON.stringify(doc?.Properties.Content)).toContain("ontape -s -L {{ Level }} -t STDIO");
  });
});

describe("alerting", () => {
  it("loads every rule file from alerts/ into the Prometheus workspace unchanged", () => {
    const t = dev.template("alerting");
    const files = readAlertRuleFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      t.hasResourceProperties("AWS::APS::RuleGroupsNamespace", { Name: file.name, Data: file.content });
    }
  });

  it("routes the alert manager to the encrypted SNS topic", () => {
    const t = dev.template("alerting");
    const [workspace] = Object.values(t.findResources("AWS::APS::Workspace"));
    expect(JSON.stringify(workspace?.Properties.AlertManagerDefinition)).toContain("sns_configs");
    t.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: Match.anyValue() });
  });
});

describe("GitHub OIDC role", () => {
  it("trusts only this repository's branch and environment", () => {
    dev.template("githubOidc").hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                "token.actions.githubusercontent.com:sub": [
                  "repo:informix-grpc-proxy/informix-grpc-proxy:ref:refs/heads/main",
                  "repo:informix-grpc-proxy/informix-grpc-proxy:environment:dev",
                ],
              },
            },
          }),
        ],
      },
      MaxSessionDuration: 3600,
    });
  });

  it("creates no IAM user or access key", () => {
    for (const name of [
      "network",
      "registry",
      "secrets",
      "alerting",
      "informixHost",
      "service",
      "githubOidc",
    ] as const) {
      const t = dev.template(name);
      t.resourceCountIs("AWS::IAM::User", 0);
      t.resourceCountIs("AWS::IAM::AccessKey", 0);
    }
  });
});

describe("network", () => {
  it("creates interface endpoints where the environment asks for them (prod) and not in dev", () => {
    dev.template("network").resourceCountIs("AWS::EC2::VPCEndpoint", 1);
    prod.template("network").resourceCountIs("AWS::EC2::VPCEndpoint", 8);
    prod.template("network").hasResourceProperties("AWS::EC2::FlowLog", { TrafficType: "REJECT" });
  });
});
