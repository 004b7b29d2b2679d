// Answers "may this role do this action on this resource?" from the synthesized templates, with a real IAM
// policy evaluator (@cloud-copilot/iam-simulate): the role's identity policies and, where the service has
// one, the resource's own policy (KMS key policy, S3 bucket policy, SNS topic policy), all resolved to the
// ARNs they will have once deployed. Used by the infra tests and by bin/export-iam-policies.ts.
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import type { Json, ResourceLocation, TemplateResolver } from "./template-resolver.js";

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: Record<string, Json>[];
}

export interface NamedPolicy {
  readonly name: string;
  readonly policy: PolicyDocument;
}

export interface AccessRequest {
  readonly principalArn: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
}

export interface AccessDecision {
  readonly allowed: boolean;
  readonly result: string;
  readonly detail?: string;
}

/** The role resource behind an ARN (or its name), wherever it is defined. */
export function findRole(resolver: TemplateResolver, roleArnOrName: string): ResourceLocation {
  const found =
    resolver.findByIdentity(roleArnOrName, "AWS::IAM::Role") ??
    resolver
      .resourcesOfType("AWS::IAM::Role")
      .find((r) => roleArnOrName.endsWith(`/${String(resolver.ref(r.stack, r.logicalId))}`));
  if (!found) throw new Error(`no role ${roleArnOrName} in the templates`);
  return found;
}

/** Inline policies, AWS::IAM::Policy and customer managed policies attached to a role. */
export function identityPolicies(resolver: TemplateResolver, role: ResourceLocation): NamedPolicy[] {
  const roleName = String(resolver.ref(role.stack, role.logicalId));
  const policies: NamedPolicy[] = [];
  const inline = (resolver.resolve(role.stack, role.resource.Properties?.Policies ?? []) as Json[]) ?? [];
  for (const p of inline as Record<string, Json>[]) {
    policies.push({ name: String(p.PolicyName), policy: p.PolicyDocument as unknown as PolicyDocument });
  }
  for (const type of ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"]) {
    for (const p of resolver.resourcesOfType(type)) {
      const roles = resolver.resolve(p.stack, p.resource.Properties?.Roles ?? []) as Json[];
      if (!roles.map(String).includes(roleName)) continue;
      policies.push({
        name: `${p.stack}/${p.logicalId}`,
        policy: resolver.resolve(p.stack, p.resource.Properties?.PolicyDocument ?? null) as unknown as PolicyDocument,
      });
    }
  }
  const managed = resolver.resolve(role.stack, role.resource.Properties?.ManagedPolicyArns ?? []) as Json[];
  for (const arn of managed.map(String)) {
    const own = resolver.findByIdentity(arn, "AWS::IAM::ManagedPolicy");
    if (own) {
      const doc = resolver.resolve(own.stack, own.resource.Properties?.PolicyDocument ?? null);
      policies.push({ name: arn, policy: doc as unknown as PolicyDocument });
    }
    // AWS managed policies (arn:aws:iam::aws:policy/...) are not in the templates; a test that needs one of
    // their actions must not rely on them.
  }
  return policies;
}

/** The resource-based policy the service evaluates for this ARN, if the templates define one. */
export function resourcePolicy(resolver: TemplateResolver, resourceArn: string): PolicyDocument | undefined {
  if (resourceArn.includes(":kms:")) {
    const key = resolver.findByIdentity(resourceArn, "AWS::KMS::Key");
    // A key the templates only import (an existing secret's key) is taken to have KMS's default key policy,
    // which lets the account's IAM policies grant its use; docs/deploying.md asks for exactly that.
    if (!key) return defaultKeyPolicy(accountOf(resourceArn, resolver.target.account));
    return resolver.resolve(key.stack, key.resource.Properties?.KeyPolicy ?? null) as unknown as PolicyDocument;
  }
  if (resourceArn.startsWith("arn:aws:s3:::")) {
    const bucketName = resourceArn.slice("arn:aws:s3:::".length).split("/")[0];
    for (const p of resolver.resourcesOfType("AWS::S3::BucketPolicy")) {
      if (String(resolver.resolve(p.stack, p.resource.Properties?.Bucket ?? null)) === bucketName) {
        return resolver.resolve(p.stack, p.resource.Properties?.PolicyDocument ?? null) as unknown as PolicyDocument;
      }
    }
    return undefined;
  }
  if (resourceArn.includes(":sns:")) {
    for (const p of resolver.resourcesOfType("AWS::SNS::TopicPolicy")) {
      const topics = (resolver.resolve(p.stack, p.resource.Properties?.Topics ?? []) as Json[]).map(String);
      if (topics.includes(resourceArn)) {
        return resolver.resolve(p.stack, p.resource.Properties?.PolicyDocument ?? null) as unknown as PolicyDocument;
      }
    }
  }
  return undefined;
}

/** Evaluates one request the way IAM would: identity policies, then the resource policy where one exists. */
export async function evaluate(
  resolver: TemplateResolver,
  request: AccessRequest,
  identity: NamedPolicy[] = identityPolicies(resolver, findRole(resolver, request.principalArn)),
): Promise<AccessDecision> {
  const resourcePolicyDocument = resourcePolicy(resolver, request.resource);
  const simulation: Simulation = {
    request: {
      principal: request.principalArn,
      action: request.action,
      resource: { resource: request.resource, accountId: accountOf(request.resource, resolver.target.account) },
      contextVariables: { "aws:SecureTransport": "true", ...(request.context ?? {}) },
    },
    identityPolicies: identity.map((p) => ({ name: p.name, policy: p.policy as never })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: resourcePolicyDocument as never,
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType === "error") {
    return { allowed: false, result: "error", detail: JSON.stringify(response.errors) };
  }
  return { allowed: response.overallResult === "Allowed", result: response.overallResult };
}

function defaultKeyPolicy(account: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
    ],
  };
}

function accountOf(arn: string, fallback: string): string {
  const account = arn.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : fallback;
}
