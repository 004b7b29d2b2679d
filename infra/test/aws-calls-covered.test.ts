// Every AWS call the deployed proxy depends on is allowed for the role that makes it. The app's own calls are
// found in its source (AWS SDK commands in app/src); the configuration the stacks write tells who performs
// each secret read: { env } values are injected by the ECS agent (execution role), { file } values are mounted
// by the Secrets Store CSI driver (IRSA role), { awsSecret } values are read by the proxy itself (task role or
// IRSA role). The SSM archive document's calls are covered in first-deploy-templates.test.ts.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { evaluate } from "../src/iam/access.js";
import type { TemplateResolver } from "../src/iam/template-resolver.js";
import { SECRETS_DIR } from "../src/kubernetes/manifests.js";
import { keyOfSecret } from "./support/secret-readers.js";
import { type SynthesizedEnvironment, synthesize } from "./synth.js";

const APP_SRC = fileURLToPath(new URL("../../app/src/", import.meta.url));

/** The IAM action behind each AWS SDK command the app may send. A new command fails the test until mapped. */
const IAM_ACTION_OF_COMMAND: Record<string, string> = {
  "client-secrets-manager:GetSecretValueCommand": "secretsmanager:GetSecretValue",
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "gen" ? [] : sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** AWS SDK commands used in app/src, as client:Command. */
function appAwsCommands(): string[] {
  const found = new Set<string>();
  for (const file of sourceFiles(APP_SRC)) {
    const text = readFileSync(file, "utf8");
    for (const client of text.matchAll(/@aws-sdk\/(client-[a-z0-9-]+)/g)) {
      for (const command of text.matchAll(/\b([A-Z]\w+Command)\b/g)) found.add(`${client[1]}:${command[1]}`);
    }
  }
  return [...found].sort();
}

type SecretRefFound = { env: string } | { file: string } | { awsSecret: string; key?: string };

function secretRefs(value: unknown): SecretRefFound[] {
  if (!value || typeof value !== "object") return [];
  if (Array.isArray(value)) return value.flatMap(secretRefs);
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && (typeof o.env === "string" || typeof o.file === "string")) return [o as SecretRefFound];
  if (typeof o.awsSecret === "string") return [o as SecretRefFound];
  return Object.values(o).flatMap(secretRefs);
}

interface Deployment {
  readonly config: unknown;
  /** Who reads { awsSecret } references: the proxy's own identity. */
  readonly proxyRoleArn: string;
  /** Environment variable -> secret ARN, injected by the execution role (ECS). */
  readonly injected: Map<string, { secretArn: string; roleArn: string }>;
  /** File name under SECRETS_DIR -> secret ARN, mounted with the IRSA role (EKS). */
  readonly mounted: Map<string, { secretArn: string; roleArn: string }>;
}

function deploymentOf(resolver: TemplateResolver): Deployment {
  const [task] = resolver.resourcesOfType("AWS::ECS::TaskDefinition");
  if (task) {
    const props = resolver.resolve(task.stack, task.resource.Properties ?? null) as {
      TaskRoleArn: string;
      ExecutionRoleArn: string;
      ContainerDefinitions: {
        Name: string;
        Environment?: { Name: string; Value: string }[];
        Secrets?: { Name: string; ValueFrom: string }[];
      }[];
    };
    const yaml = props.ContainerDefinitions.flatMap((c) => c.Environment ?? []).find(
      (e) => e.Name === "PROXY_CONFIG_YAML",
    )?.Value;
    const proxy = props.ContainerDefinitions.find((c) => c.Name === "proxy");
    const injected = new Map(
      (proxy?.Secrets ?? []).map((s) => [
        s.Name,
        { secretArn: s.ValueFrom.replace(/:[^:]*:[^:]*:[^:]*$/, ""), roleArn: props.ExecutionRoleArn },
      ]),
    );
    return { config: parse(String(yaml)), proxyRoleArn: props.TaskRoleArn, injected, mounted: new Map() };
  }
  const [manifest] = resolver.resourcesOfType("Custom::AWSCDK-EKS-KubernetesResource");
  if (!manifest) throw new Error("neither a task definition nor Kubernetes manifests");
  const objects = JSON.parse(String(resolver.resolve(manifest.stack, manifest.resource.Properties?.Manifest ?? null)));
  const roleArn = objects.find((o: { kind: string }) => o.kind === "ServiceAccount").metadata.annotations[
    "eks.amazonaws.com/role-arn"
  ];
  const configMap = objects.find((o: { kind: string; metadata: { name: string } }) =>
    o.metadata.name.endsWith("-config"),
  );
  const spc = objects.find((o: { kind: string }) => o.kind === "SecretProviderClass");
  const mounted = new Map<string, { secretArn: string; roleArn: string }>();
  for (const object of JSON.parse(spc.spec.parameters.objects) as {
    objectName: string;
    jmesPath: { objectAlias: string }[];
  }[]) {
    for (const alias of object.jmesPath) mounted.set(alias.objectAlias, { secretArn: object.objectName, roleArn });
  }
  return { config: parse(configMap.data["config.yaml"]), proxyRoleArn: roleArn, injected: new Map(), mounted };
}

async function mayRead(env: SynthesizedEnvironment, roleArn: string, secretArn: string): Promise<string[]> {
  const resolver = env.resolver();
  const problems: string[] = [];
  const get = await evaluate(resolver, {
    principalArn: roleArn,
    action: "secretsmanager:GetSecretValue",
    resource: secretArn,
  });
  if (!get.allowed) problems.push(`${roleArn} GetSecretValue ${secretArn}: ${get.result}`);
  const keyArn = keyOfSecret(resolver, secretArn);
  if (keyArn) {
    const decrypt = await evaluate(resolver, {
      principalArn: roleArn,
      action: "kms:Decrypt",
      resource: keyArn,
      context: { "kms:ViaService": `secretsmanager.${env.config.region}.amazonaws.com` },
    });
    if (!decrypt.allowed) problems.push(`${roleArn} kms:Decrypt ${keyArn}: ${decrypt.result}`);
  }
  return problems;
}

describe("the app's AWS calls", () => {
  it("are the mapped AWS SDK commands only (a new one needs its IAM action here and a grant)", () => {
    const commands = appAwsCommands();
    expect(commands).toContain("client-secrets-manager:GetSecretValueCommand");
    expect(commands.filter((c) => !(c in IAM_ACTION_OF_COMMAND) && !c.endsWith(":SecretsManagerClient"))).toEqual([]);
  });
});

describe.each(["dev", "prod", "staging-eks"])(
  "every secret the deployed proxy reads is readable by its reader (%s)",
  (name) => {
    let env: SynthesizedEnvironment;
    let deployment: Deployment;
    beforeAll(() => {
      env = synthesize(name);
      deployment = deploymentOf(env.resolver());
    });

    it("finds the proxy's secret references in the configuration the stack writes", () => {
      expect(secretRefs(deployment.config).length).toBeGreaterThanOrEqual(3);
    });

    it("each reference is provided, and its provider may read and decrypt it", async () => {
      const problems: string[] = [];
      for (const ref of secretRefs(deployment.config)) {
        if ("env" in ref) {
          const source = deployment.injected.get(ref.env);
          if (!source) problems.push(`env ${ref.env}: not injected by the task definition`);
          else problems.push(...(await mayRead(env, source.roleArn, source.secretArn)));
        } else if ("file" in ref) {
          const source = ref.file.startsWith(`${SECRETS_DIR}/`)
            ? deployment.mounted.get(ref.file.slice(SECRETS_DIR.length + 1))
            : undefined;
          if (!source) problems.push(`file ${ref.file}: not mounted from a secret`);
          else problems.push(...(await mayRead(env, source.roleArn, source.secretArn)));
        } else {
          // The proxy calls GetSecretValue itself (the only AWS call in app/src) with its own role.
          expect(IAM_ACTION_OF_COMMAND["client-secrets-manager:GetSecretValueCommand"]).toBe(
            "secretsmanager:GetSecretValue",
          );
          problems.push(...(await mayRead(env, deployment.proxyRoleArn, ref.awsSecret)));
        }
      }
      expect(problems).toEqual([]);
    });

    it("the proxy's own role may not read secrets it is not given", async () => {
      const other = `arn:aws:secretsmanager:${env.config.region}:123456789012:secret:unrelated-AbCdEf`;
      expect(await mayRead(env, deployment.proxyRoleArn, other)).not.toEqual([]);
    });
  },
);
