// Re-imports a secret (and its KMS key) inside a consuming stack. Grants on an imported secret and key
// land in the consumer's IAM policy only; grants on the originals would also edit the key policy in the
// secrets stack and make the two stacks depend on each other.
import { Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";

export interface SecretReference {
  readonly secretArn: string;
  /** The customer-managed key that encrypts the secret, when there is one. */
  readonly keyArn?: string;
}

export function importSecret(scope: Construct, id: string, ref: SecretReference): secretsmanager.ISecret {
  return secretsmanager.Secret.fromSecretAttributes(scope, id, {
    secretCompleteArn: ref.secretArn,
    encryptionKey: ref.keyArn ? kms.Key.fromKeyArn(scope, `${id}Key`, ref.keyArn) : undefined,
  });
}

/**
 * Lets a principal decrypt the secret's customer-managed key, through Secrets Manager only. CDK's own
 * grantRead (and ecs.Secret.fromSecretsManager) drops this grant when both the secret and its key are
 * imported, which leaves a task or pod unable to start: GetSecretValue succeeds, the decryption does not.
 */
export function grantSecretKeyDecrypt(scope: Construct, grantee: iam.IGrantable, ref: SecretReference): void {
  if (!ref.keyArn) return;
  const stack = Stack.of(scope);
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ["kms:Decrypt"],
      resources: [ref.keyArn],
      conditions: { StringEquals: { "kms:ViaService": `secretsmanager.${stack.region}.${stack.urlSuffix}` } },
    }),
  );
}

/** GetSecretValue on the secret by its ARN plus the key grant above: what reading one secret takes. */
export function grantSecretRead(
  scope: Construct,
  grantee: iam.IGrantable,
  secret: secretsmanager.ISecret,
  ref: SecretReference,
): void {
  secret.grantRead(grantee);
  grantSecretKeyDecrypt(scope, grantee, ref);
}
