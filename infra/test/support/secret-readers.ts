// Who reads which secret in a synthesized environment, found from the templates themselves: the ECS
// execution role for every `secrets` entry of the task definition, the EKS IRSA role for every object of the
// SecretProviderClass. Each secret is then traced to its KMS key through the Secrets stack (or the key ARN the
// environment names for an imported secret).
import type { TemplateResolver } from "../../src/iam/template-resolver.js";

export interface SecretRead {
  /** Who reads: the execution role (ECS agent) or the IRSA role (Secrets Store CSI driver). */
  readonly reader: string;
  readonly roleArn: string;
  readonly secretArn: string;
  /** The customer-managed key that encrypts it, or undefined for the AWS-managed key. */
  readonly keyArn: string | undefined;
}

/** A complete secret ARN ends in -XXXXXX; ECS valueFrom appends :jsonKey:versionStage:versionId. */
function secretArnOf(valueFrom: string): string {
  const match = /^(arn:[^:]+:secretsmanager:[^:]+:\d{12}:secret:[^:]+)/.exec(valueFrom);
  if (!match?.[1]) throw new Error(`not a secret reference: ${valueFrom}`);
  return match[1];
}

export function keyOfSecret(
  resolver: TemplateResolver,
  secretArn: string,
  importedKeyArn?: string,
): string | undefined {
  const secret = resolver.findByIdentity(secretArn, "AWS::SecretsManager::Secret");
  if (!secret) return importedKeyArn;
  const keyId = secret.resource.Properties?.KmsKeyId;
  if (keyId === undefined) return undefined;
  const resolved = String(resolver.resolve(secret.stack, keyId));
  const key = resolver.findByIdentity(resolved, "AWS::KMS::Key");
  return key ? String(resolver.getAtt(key.stack, key.logicalId, "Arn")) : resolved;
}

export function secretReads(resolver: TemplateResolver, importedKeyArn?: string): SecretRead[] {
  const reads: SecretRead[] = [];
  for (const def of resolver.resourcesOfType("AWS::ECS::TaskDefinition")) {
    const props = resolver.resolve(def.stack, def.resource.Properties ?? null) as {
      ExecutionRoleArn: string;
      ContainerDefinitions: { Secrets?: { ValueFrom: string }[] }[];
    };
    for (const container of props.ContainerDefinitions) {
      for (const secret of container.Secrets ?? []) {
        const secretArn = secretArnOf(secret.ValueFrom);
        reads.push({
          reader: "ECS execution role",
          roleArn: props.ExecutionRoleArn,
          secretArn,
          keyArn: keyOfSecret(resolver, secretArn, importedKeyArn),
        });
      }
    }
  }
  for (const manifest of resolver.resourcesOfType("Custom::AWSCDK-EKS-KubernetesResource")) {
    const objects = JSON.parse(
      String(resolver.resolve(manifest.stack, manifest.resource.Properties?.Manifest ?? null)),
    );
    const serviceAccount = objects.find((o: { kind: string }) => o.kind === "ServiceAccount");
    const roleArn = serviceAccount?.metadata?.annotations?.["eks.amazonaws.com/role-arn"];
    for (const spc of objects.filter((o: { kind: string }) => o.kind === "SecretProviderClass")) {
      for (const object of JSON.parse(spc.spec.parameters.objects) as { objectName: string }[]) {
        reads.push({
          reader: "EKS IRSA role",
          roleArn,
          secretArn: object.objectName,
          keyArn: keyOfSecret(resolver, object.objectName, importedKeyArn),
        });
      }
    }
  }
  return reads;
}
