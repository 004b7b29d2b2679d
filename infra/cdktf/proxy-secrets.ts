// The proxy's secrets, created empty (the API-key list with no entries); operators put the values
// (docs/deploying.md).
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version/index.js";
import type { TerraformStack } from "cdktf";
import type { EnvironmentConfig } from "../src/config/schema.js";
import { API_KEY_HASHES_TEMPLATE, SECRET_KEYS } from "../src/stacks/secrets-stack.js";

export interface ProxySecrets {
  informix: SecretsmanagerSecret;
  apiKeys: SecretsmanagerSecret;
  tls: SecretsmanagerSecret;
}

export function proxySecrets(
  stack: TerraformStack,
  name: string,
  config: EnvironmentConfig,
  key: KmsKey,
): ProxySecrets {
  const informix = new SecretsmanagerSecret(stack, "informix_credentials", {
    name: `${name}/informix`,
    description: `Informix ${SECRET_KEYS.informixUser}/${SECRET_KEYS.informixPassword} for the proxy`,
    kmsKeyId: key.arn,
    recoveryWindowInDays: config.retainData ? 30 : 0,
  });
  const apiKeys = new SecretsmanagerSecret(stack, "api_key_hashes", {
    name: `${name}/api-key-hashes`,
    description: `SHA-256 hashes of accepted API keys (JSON array, as a string, under ${SECRET_KEYS.apiKeyHashes})`,
    kmsKeyId: key.arn,
    recoveryWindowInDays: config.retainData ? 30 : 0,
  });
  // The one value written here is the empty key list (no key accepted yet), so the task can start; the
  // entries operators put afterwards are theirs: Terraform never writes this value again.
  new SecretsmanagerSecretVersion(stack, "api_key_hashes_initial", {
    secretId: apiKeys.id,
    secretString: API_KEY_HASHES_TEMPLATE,
    lifecycle: { ignoreChanges: ["secret_string"] },
  });
  const tls = new SecretsmanagerSecret(stack, "tls", {
    name: `${name}/tls`,
    description: `PEM ${SECRET_KEYS.tlsCertificate}/${SECRET_KEYS.tlsPrivateKey} of the gRPC listener`,
    kmsKeyId: key.arn,
    recoveryWindowInDays: config.retainData ? 30 : 0,
  });
  return { informix, apiKeys, tls };
}
