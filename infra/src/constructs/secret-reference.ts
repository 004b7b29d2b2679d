// Re-imports a secret (and its KMS key) inside a consuming stack. Grants on an imported secret and key
// land in the consumer's IAM policy only; grants on the originals would also edit the key policy in the
// secrets stack and make the two stacks depend on each other.
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
