// Reads secret strings from AWS Secrets Manager. One SDK client per region (the region comes from the ARN, so one
// proxy can read secrets of several regions); the SDK is loaded on first use, so deployments without AWS
// references never pay for it. Errors say which secret and why (not found, access denied...), never a value.
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

type Env = Record<string, string | undefined>;

export class AwsSecretLookupError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "AwsSecretLookupError";
  }
}

/** arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-SUFFIX (also aws-cn, aws-us-gov partitions). */
const ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:.+$/;

export function regionOf(secretId: string, env: Env): string {
  const fromArn = ARN.exec(secretId)?.[1];
  const region = fromArn ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new AwsSecretLookupError("no region: use the secret's full ARN or set AWS_REGION");
  }
  return region;
}

/**
 * The SDK itself honours AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL and the credential chain from
 * process.env. The proxy resolves secrets against an injected environment (tests, embedding), so the same
 * variables are read from it explicitly; absent there, the SDK's own defaults apply.
 */
function endpointOf(env: Env): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === "true") return undefined;
  return env.AWS_ENDPOINT_URL_SECRETS_MANAGER || env.AWS_ENDPOINT_URL || undefined;
}

function staticCredentialsOf(env: Env) {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}

export interface AwsSecretsReader {
  /** The SecretString of the current version (AWSCURRENT). */
  getSecretString(secretId: string): Promise<string>;
  destroy(): void;
}

export function createAwsSecretsReader(env: Env): AwsSecretsReader {
  const clients = new Map<string, Promise<SecretsManagerClient>>();
  let sdk: Promise<typeof import("@aws-sdk/client-secrets-manager")> | undefined;

  const clientFor = (region: string): Promise<SecretsManagerClient> => {
    let client = clients.get(region);
    if (!client) {
      sdk ??= import("@aws-sdk/client-secrets-manager");
      const endpoint = endpointOf(env);
      const credentials = env === process.env ? undefined : staticCredentialsOf(env);
      client = sdk.then(
        (m) =>
          new m.SecretsManagerClient({
            region,
            ...(endpoint ? { endpoint } : {}),
            ...(credentials ? { credentials } : {}),
            maxAttempts: 3,
          }),
      );
      clients.set(region, client);
    }
    return client;
  };

  return {
    async getSecretString(secretId) {
      const client = await clientFor(regionOf(secretId, env));
      const { GetSecretValueCommand } = await (sdk as NonNullable<typeof sdk>);
      let output: { SecretString?: string | undefined; SecretBinary?: Uint8Array | undefined };
      try {
        output = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      } catch (error) {
        throw new AwsSecretLookupError(describeAwsError(error));
      }
      if (output.SecretString === undefined) {
        throw new AwsSecretLookupError(
          output.SecretBinary ? "the secret is binary (SecretBinary); store it as a string" : "the secret has no value",
        );
      }
      return output.SecretString;
    },
    destroy() {
      for (const client of clients.values()) void client.then((c) => c.destroy());
      clients.clear();
    },
  };
}

/** The SDK's error name and message describe the request (secret id, permission), never the secret's value. */
function describeAwsError(error: unknown): string {
  const e = error as { name?: string; message?: string; code?: string };
  const name = e.name && e.name !== "Error" ? e.name : (e.code ?? "error");
  switch (name) {
    case "ResourceNotFoundException":
      return "the secret does not exist (ResourceNotFoundException)";
    case "AccessDeniedException":
      return "access denied: the proxy's IAM role needs secretsmanager:GetSecretValue (and kms:Decrypt) on it";
    case "DecryptionFailure":
      return "the secret cannot be decrypted with its KMS key (DecryptionFailure)";
    case "CredentialsProviderError":
      return "no AWS credentials found (environment, profile, container or instance role)";
    default:
      return `the lookup failed (${name}${e.message ? `: ${e.message.slice(0, 200)}` : ""})`;
  }
}
