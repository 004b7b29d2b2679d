// Findings of the first-deploy review, each asserted on the synthesized templates with the ARNs resolved as
// deployed and IAM evaluated by a policy simulator: what a template must say for the first `cdk deploy` to
// produce a running service, and for later deploys and outages not to undo it.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate, findRole } from "../src/iam/access.js";
import type { Json, TemplateResolver } from "../src/iam/template-resolver.js";
import { LIVENESS_PATH } from "../src/proxy-contract.js";
import { awsCallsOf, expandArchiveScript } from "./support/aws-cli-calls.js";
import { expiredImages } from "./support/ecr-lifecycle.js";
import { type SynthesizedEnvironment, synthesize, TEST_ACCOUNT } from "./synth.js";

let dev: SynthesizedEnvironment;
let prod: SynthesizedEnvironment;
let eks: SynthesizedEnvironment;

beforeAll(() => {
  dev = synthesize("dev");
  prod = synthesize("prod");
  eks = synthesize("staging-eks");
});

function only(resolver: TemplateResolver, type: string) {
  const found = resolver.resourcesOfType(type);
  expect(found, type).toHaveLength(1);
  const [first] = found;
  if (!first) throw new Error(type);
  return { ...first, props: resolver.resolve(first.stack, first.resource.Properties ?? null) as Record<string, Json> };
}

describe("the load balancer's health check does not depend on the database", () => {
  it.each(["dev", "prod"])("%s: the NLB target group checks the process (/healthz), not readiness", (name) => {
    const env = name === "dev" ? dev : prod;
    const group = only(env.resolver(), "AWS::ElasticLoadBalancingV2::TargetGroup").props;
    expect(group.HealthCheckProtocol).toBe("HTTP");
    expect(group.HealthCheckPath).toBe(LIVENESS_PATH);
  });

  it("the ECS container health check asks /healthz as well", () => {
    const def = only(prod.resolver(), "AWS::ECS::TaskDefinition").props as {
      ContainerDefinitions: { Name: string; HealthCheck?: { Command: string[] } }[];
    };
    const proxy = def.ContainerDefinitions.find((c) => c.Name === "proxy");
    expect(proxy?.HealthCheck?.Command.join(" ")).toContain(LIVENESS_PATH);
  });

  it("EKS: the NLB the load balancer controller creates checks /healthz too", () => {
    const manifest = only(eks.resolver(), "Custom::AWSCDK-EKS-KubernetesResource").props;
    const service = (
      JSON.parse(String(manifest.Manifest)) as { kind: string; metadata: { annotations?: object } }[]
    ).find((o) => o.kind === "Service");
    expect(service?.metadata.annotations).toMatchObject({
      "service.beta.kubernetes.io/aws-load-balancer-healthcheck-path": LIVENESS_PATH,
    });
  });
});

describe("the Informix host survives redeploys", () => {
  it.each(["dev", "prod"])("%s: the AMI is pinned in the template, not resolved from SSM at deploy time", (name) => {
    const env = name === "dev" ? dev : prod;
    const template = env.template("informixHost").toJSON() as { Parameters?: Record<string, { Type: string }> };
    // BootstrapVersion is CDK's own parameter; an AMI from SSM would be another SSM-typed parameter.
    const ssmParameters = Object.entries(template.Parameters ?? {}).filter(
      ([id, p]) => id !== "BootstrapVersion" && p.Type.includes("SSM"),
    );
    expect(ssmParameters.map(([id]) => id)).toEqual([]);
    const instance = only(env.resolver(), "AWS::EC2::Instance");
    const host = env.config.informix.host;
    expect(instance.resource.Properties?.ImageId).toBe(host.mode === "create" ? host.imageId : "");
  });
});

describe("the archive job and the restore steps may do what they run, and not destroy archives", () => {
  function hostCalls(env: SynthesizedEnvironment) {
    const resolver = env.resolver();
    const archiveDoc = resolver
      .resourcesOfType("AWS::SSM::Document")
      .find((d) => JSON.stringify(d.resource.Properties?.Content).includes("ontape"));
    if (!archiveDoc) throw new Error("no archive document");
    const document = resolver.resolve(archiveDoc.stack, archiveDoc.resource.Properties ?? null) as {
      Content: {
        parameters: Record<string, { allowedValues?: string[]; default: string }>;
        mainSteps: { inputs: { runCommand: string[] } }[];
      };
    };
    const bucket = resolver
      .resourcesOfType("AWS::S3::Bucket")
      .find((b) => JSON.stringify(b.resource.Properties?.VersioningConfiguration ?? {}).includes("Enabled"));
    if (!bucket) throw new Error("no archive bucket");
    const bucketName = String(resolver.ref(bucket.stack, bucket.logicalId));
    const script = document.Content.mainSteps.flatMap((s) => s.inputs.runCommand);
    const keyArn = /--sse-kms-key-id "([^"]+)"/.exec(script.join("\n"))?.[1] ?? "";
    const lines: string[] = [];
    for (const tool of document.Content.parameters.Tool?.allowedValues ?? []) {
      lines.push(
        ...expandArchiveScript(
          script,
          { Tool: tool, Level: "0", PsmDirectory: "/var/informix/backups" },
          {
            hostname: "ip-10-0-0-1",
            stamp: "20260101T023000Z",
          },
        ),
      );
    }
    // The restore steps in docs/restore.md run on the host too (through Session Manager, with its role).
    const restore = readFileSync(new URL("../../docs/restore.md", import.meta.url), "utf8")
      .split("\n")
      .filter((l) => /\baws s3 /.test(l))
      .map((l) =>
        l
          .replace(/BACKUP_BUCKET/g, bucketName)
          .replace(/\bHOST\b/g, "ip-10-0-0-1")
          .replace(/\bSTAMP\b/g, "20260101T023000Z")
          .replace(/`/g, ""),
      );
    expect(restore.length).toBeGreaterThanOrEqual(3);
    const mapped = [...lines, ...restore].map((l) => awsCallsOf(l, keyArn, env.config.region));
    const role = only(resolver, "AWS::EC2::Instance").props.IamInstanceProfile;
    const profile = resolver.resourcesOfType("AWS::IAM::InstanceProfile")[0];
    const roleName = String(
      (resolver.resolve(profile?.stack ?? "", profile?.resource.Properties?.Roles ?? []) as Json[])[0],
    );
    expect(role).toBeDefined();
    return { mapped, roleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/${roleName}`, bucketName, keyArn };
  }

  it.each(["dev", "prod"])(
    "%s: every AWS call of the archive document and the restore steps is allowed",
    async (name) => {
      const env = name === "dev" ? dev : prod;
      const { mapped, roleArn } = hostCalls(env);
      expect(mapped.flatMap((m) => (m.unmapped ? [m.unmapped] : []))).toEqual([]);
      const calls = mapped.flatMap((m) => m.calls);
      expect(calls.map((c) => c.action)).toEqual(
        expect.arrayContaining(["s3:PutObject", "s3:ListBucket", "s3:GetObject"]),
      );
      const denied: string[] = [];
      for (const call of calls) {
        const decision = await evaluate(env.resolver(), { principalArn: roleArn, ...call });
        if (!decision.allowed)
          denied.push(
            `${call.command}: ${call.action} ${call.resource} ${JSON.stringify(call.context ?? {})} -> ${decision.result}`,
          );
      }
      expect(denied).toEqual([]);
    },
  );

  it.each(["dev", "prod"])(
    "%s: the host can neither delete archive versions nor switch versioning off",
    async (name) => {
      const env = name === "dev" ? dev : prod;
      const { roleArn, bucketName } = hostCalls(env);
      for (const [action, resource] of [
        ["s3:DeleteObjectVersion", `arn:aws:s3:::${bucketName}/onbar/ip-10-0-0-1/20260101T023000Z/archive.file`],
        ["s3:DeleteObject", `arn:aws:s3:::${bucketName}/ontape/ip-10-0-0-1/20260101T023000Z.level0`],
        ["s3:PutBucketVersioning", `arn:aws:s3:::${bucketName}`],
        ["s3:PutLifecycleConfiguration", `arn:aws:s3:::${bucketName}`],
      ] as const) {
        const decision = await evaluate(env.resolver(), { principalArn: roleArn, action, resource });
        expect(decision.allowed, action).toBe(false);
      }
      // Not even an identity policy added later could: the bucket policy denies it explicitly.
      const withAdmin = await evaluate(
        env.resolver(),
        {
          principalArn: roleArn,
          action: "s3:DeleteObjectVersion",
          resource: `arn:aws:s3:::${bucketName}/onbar/x`,
        },
        [
          {
            name: "admin",
            policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
          },
        ],
      );
      expect(withAdmin.result).toBe("ExplicitlyDenied");
    },
  );

  it("lists only the archive prefixes", async () => {
    const { roleArn, bucketName } = hostCalls(prod);
    const decision = await evaluate(prod.resolver(), {
      principalArn: roleArn,
      action: "s3:ListBucket",
      resource: `arn:aws:s3:::${bucketName}`,
      context: { "s3:prefix": "elsewhere/" },
    });
    expect(decision.allowed).toBe(false);
  });
});

describe("the GitHub deploy role", () => {
  // The policy simulator ignores OIDC claim keys it does not know for sts:AssumeRoleWithWebIdentity, so the
  // trust policy's conditions are evaluated here: every condition operator of an Allow statement must hold.
  function mayAssume(env: SynthesizedEnvironment, subject: string, roleSuffix = "-github"): boolean {
    const resolver = env.resolver();
    const role = resolver
      .resourcesOfType("AWS::IAM::Role")
      .find((r) => String(r.resource.Properties?.RoleName ?? "").endsWith(roleSuffix));
    if (!role) throw new Error("no GitHub role");
    const trust = resolver.resolve(role.stack, role.resource.Properties?.AssumeRolePolicyDocument ?? null) as {
      Statement: { Effect: string; Action: string; Condition: Record<string, Record<string, string | string[]>> }[];
    };
    const claims: Record<string, string> = {
      "token.actions.githubusercontent.com:sub": subject,
      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
    };
    const like = (pattern: string, value: string) =>
      new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, "\\$&")
          .replace(/\*/g, ".*")
          .replace(/\?/g, ".")}$`,
      ).test(value);
    return trust.Statement.some(
      (statement) =>
        statement.Effect === "Allow" &&
        statement.Action === "sts:AssumeRoleWithWebIdentity" &&
        Object.entries(statement.Condition).every(([operator, keys]) =>
          Object.entries(keys).every(([key, expected]) => {
            const value = claims[key];
            if (value === undefined) return false;
            const values = [expected].flat();
            if (operator === "StringEquals") return values.includes(value);
            if (operator === "StringLike") return values.some((p) => like(p, value));
            throw new Error(`unexpected operator ${operator}`);
          }),
        ),
    );
  }

  const repo = "repo:informix-grpc-proxy/informix-grpc-proxy";

  it("prod trusts only jobs bound to the prod environment (whose approval they passed)", async () => {
    expect(mayAssume(prod, `${repo}:environment:prod`)).toBe(true);
    expect(mayAssume(prod, `${repo}:ref:refs/heads/main`)).toBe(false);
    expect(mayAssume(prod, `${repo}:pull_request`)).toBe(false);
    expect(mayAssume(prod, `repo:someone/else:environment:prod`)).toBe(false);
  });

  it("the diff role (pull requests, the deploy workflow's diff job) may only assume the read-only lookup role", async () => {
    expect(mayAssume(prod, `${repo}:pull_request`, "-github-diff")).toBe(true);
    expect(mayAssume(prod, `repo:someone/else:pull_request`, "-github-diff")).toBe(false);
    const resolver = prod.resolver();
    const diffRole = `arn:aws:iam::${TEST_ACCOUNT}:role/informix-grpc-proxy-prod-github-diff`;
    const role = (name: string) => `arn:aws:iam::${TEST_ACCOUNT}:role/cdk-hnb659fds-${name}-${TEST_ACCOUNT}-eu-west-1`;
    const assume = (resource: string) =>
      evaluate(resolver, { principalArn: diffRole, action: "sts:AssumeRole", resource });
    expect((await assume(role("lookup-role"))).allowed).toBe(true);
    expect((await assume(role("deploy-role"))).allowed).toBe(false);
    expect((await assume(role("cfn-exec-role"))).allowed).toBe(false);
  });

  it("the deploy role may run the smoke test: port forward through the tagged host only, read the smoke key", async () => {
    const resolver = prod.resolver();
    const deployRole = `arn:aws:iam::${TEST_ACCOUNT}:role/informix-grpc-proxy-prod-github`;
    const instance = `arn:aws:ec2:eu-west-1:${TEST_ACCOUNT}:instance/i-0123456789abcdef0`;
    const start = (tag: string) =>
      evaluate(resolver, {
        principalArn: deployRole,
        action: "ssm:StartSession",
        resource: instance,
        context: { "ssm:resourceTag/informix-grpc-proxy:smoke-bastion": tag },
      });
    expect((await start("prod")).allowed).toBe(true);
    expect((await start("dev")).allowed).toBe(false);
    const read = (name: string) =>
      evaluate(resolver, {
        principalArn: deployRole,
        action: "secretsmanager:GetSecretValue",
        resource: `arn:aws:secretsmanager:eu-west-1:${TEST_ACCOUNT}:secret:informix-grpc-proxy/prod/${name}-Ab12Cd`,
      });
    expect((await read("smoke-api-key")).allowed).toBe(true);
    expect((await read("informix")).allowed).toBe(false);
  });

  it("dev trusts its environment and pushes to main", async () => {
    expect(mayAssume(dev, `${repo}:environment:dev`)).toBe(true);
    expect(mayAssume(dev, `${repo}:ref:refs/heads/main`)).toBe(true);
    expect(mayAssume(dev, `${repo}:environment:prod`)).toBe(false);
  });
});

describe("EKS has a metrics path to Managed Prometheus", () => {
  it("a collector in the pod remote-writes /metrics to the environment's workspace, and its role may", async () => {
    const resolver = eks.resolver();
    const manifest = only(resolver, "Custom::AWSCDK-EKS-KubernetesResource").props;
    const objects = JSON.parse(String(manifest.Manifest)) as {
      kind: string;
      metadata: { name: string; annotations?: Record<string, string> };
      data?: Record<string, string>;
      spec?: { template: { spec: { containers: { name: string }[] } } };
    }[];
    const workspace = only(resolver, "AWS::APS::Workspace");
    const endpoint = String(resolver.getAtt(workspace.stack, workspace.logicalId, "PrometheusEndpoint"));
    const collectorConfig = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.endsWith("-adot"));
    expect(collectorConfig?.data?.["config.yaml"]).toContain(`${endpoint}api/v1/remote_write`);
    expect(collectorConfig?.data?.["config.yaml"]).toContain("127.0.0.1:9090");
    const deployment = objects.find((o) => o.kind === "Deployment");
    expect(deployment?.spec?.template.spec.containers.map((c) => c.name)).toContain("adot-collector");
    const roleArn = objects.find((o) => o.kind === "ServiceAccount")?.metadata.annotations?.[
      "eks.amazonaws.com/role-arn"
    ];
    const decision = await evaluate(resolver, {
      principalArn: String(roleArn),
      action: "aps:RemoteWrite",
      resource: String(resolver.getAtt(workspace.stack, workspace.logicalId, "Arn")),
    });
    expect(decision.allowed).toBe(true);
    expect(findRole(resolver, String(roleArn)).stack).toContain("EksService");
  });
});

describe("alarms reach the alert topic", () => {
  it.each(["aps.amazonaws.com", "cloudwatch.amazonaws.com", "events.amazonaws.com"])(
    "%s may publish to the (policy-protected, encrypted) topic and use its key",
    async (service) => {
      const resolver = prod.resolver();
      const topic = only(resolver, "AWS::SNS::Topic");
      const topicArn = String(resolver.ref(topic.stack, topic.logicalId));
      const context = { "aws:SourceAccount": TEST_ACCOUNT };
      const publish = await evaluate(
        resolver,
        { principalArn: service, action: "sns:Publish", resource: topicArn, context },
        [],
      );
      expect(publish.allowed, publish.detail).toBe(true);
      const keyArn = String(resolver.resolve(topic.stack, topic.resource.Properties?.KmsMasterKeyId ?? null));
      const key = resolver.findByIdentity(keyArn, "AWS::KMS::Key") ?? resolver.findByIdentity(keyArn);
      const arn = key ? String(resolver.getAtt(key.stack, key.logicalId, "Arn")) : keyArn;
      const dataKey = await evaluate(
        resolver,
        { principalArn: service, action: "kms:GenerateDataKey", resource: arn, context },
        [],
      );
      expect(dataKey.allowed, dataKey.detail).toBe(true);
    },
  );
});

describe("the registry keeps release images", () => {
  it("release images (v1.2.3 beside sha-<commit>) never expire; old commit images and untagged layers do", () => {
    const repository = only(dev.resolver(), "AWS::ECR::Repository").props as {
      LifecyclePolicy: { LifecyclePolicyText: string };
    };
    const images = Array.from({ length: 60 }, (_, i) => ({
      digest: `sha256:${i}`,
      // Every tenth commit is a release, tagged with its version as well.
      tags: i % 10 === 0 ? [`sha-${i}`, `v1.${i}.0`] : [`sha-${i}`],
      pushedAt: i,
    }));
    const untagged = { digest: "sha256:untagged", tags: [], pushedAt: 0 };
    const expired = expiredImages(repository.LifecyclePolicy.LifecyclePolicyText, [...images, untagged], (i) =>
      i.tags.length === 0 ? 30 : 1,
    );
    const releases = images.filter((i) => i.tags.some((t) => t.startsWith("v"))).map((i) => i.digest);
    expect(expired.filter((d) => releases.includes(d))).toEqual([]);
    expect(expired).toContain("sha256:untagged");
    expect(expired).toContain("sha256:1");
    expect(expired).not.toContain("sha256:59");
  });
});

describe("the audit trail is kept and encrypted", () => {
  it.each(["dev", "prod"])(
    "%s: the proxy's log group (audit: stdout) is KMS-encrypted for CloudWatch Logs",
    async (name) => {
      const env = name === "dev" ? dev : prod;
      const resolver = env.resolver();
      const group = resolver
        .resourcesOfType("AWS::Logs::LogGroup")
        .find(
          (g) =>
            resolver.resolve(g.stack, g.resource.Properties?.LogGroupName ?? null) === `/informix-grpc-proxy/${name}`,
        );
      if (!group) throw new Error("no proxy log group");
      const keyArn = String(resolver.resolve(group.stack, group.resource.Properties?.KmsKeyId ?? null));
      expect(keyArn).toMatch(/^arn:aws:kms:/);
      const key = resolver.findByIdentity(keyArn, "AWS::KMS::Key");
      const statements = (
        resolver.resolve(key?.stack ?? "", key?.resource.Properties?.KeyPolicy ?? null) as {
          Statement: { Principal?: { Service?: string }; Condition?: Json }[];
        }
      ).Statement;
      const forLogs = statements.find((s) => s.Principal?.Service === `logs.${env.config.region}.amazonaws.com`);
      expect(JSON.stringify(forLogs?.Condition)).toContain(`log-group:/informix-grpc-proxy/${name}`);
    },
  );

  it("prod retains it (and its key) when the stack is deleted; dev does not", () => {
    const deletion = (env: SynthesizedEnvironment) => {
      const template = env.template("service").toJSON() as {
        Resources: Record<string, { Type: string; DeletionPolicy?: string; Properties?: { LogGroupName?: string } }>;
      };
      return Object.values(template.Resources)
        .filter((r) => r.Type === "AWS::Logs::LogGroup" || r.Type === "AWS::KMS::Key")
        .filter(
          (r) => r.Type === "AWS::KMS::Key" || r.Properties?.LogGroupName === `/informix-grpc-proxy/${env.config.name}`,
        )
        .map((r) => `${r.Type}:${r.DeletionPolicy}`);
    };
    expect(deletion(prod).sort()).toEqual(["AWS::KMS::Key:Retain", "AWS::Logs::LogGroup:Retain"]);
    expect(deletion(dev).sort()).toEqual(["AWS::KMS::Key:Delete", "AWS::Logs::LogGroup:Delete"]);
  });
});

describe("a private DNS name for TLS", () => {
  it("prod: clients reach the NLB by the name its certificate carries", () => {
    const resolver = prod.resolver();
    const zone = only(resolver, "AWS::Route53::HostedZone").props as { Name: string; VPCs: unknown[] };
    expect(zone.Name).toBe("prod.internal.");
    expect(zone.VPCs).toHaveLength(1);
    const record = only(resolver, "AWS::Route53::RecordSet").props as {
      Name: string;
      Type: string;
      AliasTarget: { DNSName: string };
    };
    expect(record).toMatchObject({ Name: "informix-grpc-proxy.prod.internal.", Type: "A" });
    const nlb = only(resolver, "AWS::ElasticLoadBalancingV2::LoadBalancer");
    expect(record.AliasTarget.DNSName).toContain(String(resolver.getAtt(nlb.stack, nlb.logicalId, "DNSName")));
  });
});
