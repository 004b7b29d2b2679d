// Writes every IAM policy of every environment's synthesized stacks as plain JSON, with the intrinsics resolved
// to the ARNs they get once deployed (account 123456789012), for an IAM policy linter (.ci/iam-lint.sh runs
// parliament on them). One file per policy: <out>/<env>/<stack>/<logicalId>[.<n>].<kind>.json, where kind is
// identity (role policies) or resource (key, bucket and topic policies).
//   npx tsx bin/export-iam-policies.ts --out ../.tmp/iam-policies [--env prod]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { App } from "aws-cdk-lib";
import { buildEnvironment } from "../src/app-builder.js";
import { ENVIRONMENTS, loadEnvironmentConfig } from "../src/config/load.js";
import { type CfnTemplate, type Json, TemplateResolver } from "../src/iam/template-resolver.js";

const ACCOUNT = "123456789012";
const { values } = parseArgs({
  options: { out: { type: "string", default: "iam-policies" }, env: { type: "string", multiple: true } },
});

interface ExportedPolicy {
  readonly file: string;
  readonly document: Json;
}

export function exportPolicies(envName: string): ExportedPolicy[] {
  const app = new App();
  const config = loadEnvironmentConfig(envName, { account: ACCOUNT });
  const { stacks } = buildEnvironment(app, config);
  const assembly = app.synth();
  const templates = new Map<string, CfnTemplate>();
  // Top-level stacks only: the nested stack of the EKS kubectl provider is aws-cdk-lib's own.
  for (const stack of Object.values(stacks)) {
    if (stack) templates.set(stack.stackName, assembly.getStackByName(stack.stackName).template as CfnTemplate);
  }
  const resolver = new TemplateResolver(templates, { account: ACCOUNT, region: config.region });
  const out: ExportedPolicy[] = [];
  const add = (stack: string, id: string, kind: string, document: Json) =>
    out.push({ file: join(envName, stack, `${id}.${kind}.json`), document });
  for (const [stack, template] of templates) {
    for (const [id, resource] of Object.entries(template.Resources ?? {})) {
      const p = resource.Properties ?? {};
      const resolved = (v: Json | undefined) => resolver.resolve(stack, v ?? null);
      switch (resource.Type) {
        case "AWS::IAM::Policy":
        case "AWS::IAM::ManagedPolicy":
          add(stack, id, "identity", resolved(p.PolicyDocument));
          break;
        case "AWS::IAM::Role":
          ((resolved(p.Policies) as { PolicyDocument: Json }[] | null) ?? []).forEach((inline, n) => {
            add(stack, `${id}.${n}`, "identity", inline.PolicyDocument);
          });
          break;
        case "AWS::KMS::Key":
          add(stack, id, "resource", resolved(p.KeyPolicy));
          break;
        case "AWS::S3::BucketPolicy":
        case "AWS::SNS::TopicPolicy":
          add(stack, id, "resource", resolved(p.PolicyDocument));
          break;
      }
    }
  }
  return out;
}

const names = values.env ?? Object.keys(ENVIRONMENTS);
let count = 0;
for (const name of names) {
  for (const policy of exportPolicies(name)) {
    const file = join(values.out, policy.file);
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, `${JSON.stringify(policy.document, null, 2)}\n`);
    count++;
  }
}
console.error(`wrote ${count} policies for ${names.join(", ")} into ${values.out}`);
