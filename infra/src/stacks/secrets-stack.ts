// Secrets Manager secrets the proxy reads by ARN: Informix writer credentials (generated or imported), the
// reader's (a SELECT-only user for read-only roles), API-key hashes and TLS material, under one customer-managed key.
import { RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import * as kms from "aws-cdk-lib/aws-kms";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema.js";
import type { SecretReference } from "../constructs/secret-reference.js";

export interface SecretsStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/** JSON keys inside the secrets, read by ECS `secrets` (valueFrom ARN:key::) and the CSI driver alike. */
export const SECRET_KEYS = {
  informixUser: "username",
  informixPassword: "password",
  apiKeyHashes: "apiKeyHashes",
  tlsCertificate: "certificate",
  tlsPrivateKey: "privateKey",
  /** CA bundle of client certificates, put into the TLS secret when the environment enables mTLS. */
  tlsClientCa: "clientCa",
} as const;

/**
 * The API-key secret as created: no keys yet. The value under apiKeyHashes is the JSON array *as a string*
 * (`{"apiKeyHashes":"[...]"}`): the ECS agent injects a JSON key's value with Go's %v, which turns a nested
 * array into `[map[...]]`, and the Secrets Store CSI provider refuses non-string values. The proxy parses
 * the injected text as a JSON array of { name, sha256, roles } (auth.apiKeysSecret).
 */
export const API_KEY_HASHES_TEMPLATE = JSON.stringify({ [SECRET_KEYS.apiKeyHashes]: "[]" });

export class SecretsStack extends Stack {
  readonly key: kms.Key;
  /** The writer: the user the proxy's writing roles (and anything without a login of its own) connect as. */
  readonly informixCredentials: secretsmanager.ISecret;
  /** The reader: a user granted only SELECT, for roles that may only read (least privilege in the database). */
  readonly informixReaderCredentials: secretsmanager.Secret;
  readonly apiKeyHashes: secretsmanager.Secret;
  readonly tlsMaterial: secretsmanager.Secret;

  /** What consuming stacks need to read the Informix credentials. */
  get informixCredentialsReference(): SecretReference {
    return {
      secretArn: this.informixCredentials.secretArn,
      keyArn: this.informixCredentials.encryptionKey?.keyArn ?? this.existingSecretKeyArn,
    };
  }

  /** What consuming stacks need to read the reader's Informix credentials. */
  get informixReaderCredentialsReference(): SecretReference {
    return { secretArn: this.informixReaderCredentials.secretArn, keyArn: this.key.keyArn };
  }

  /** What consuming stacks need to read the API-key entries. */
  get apiKeyHashesReference(): SecretReference {
    return { secretArn: this.apiKeyHashes.secretArn, keyArn: this.key.keyArn };
  }

  /** What consuming stacks need to read the TLS material. */
  get tlsMaterialReference(): SecretReference {
    return { secretArn: this.tlsMaterial.secretArn, keyArn: this.key.keyArn };
  }

  private readonly existingSecretKeyArn?: string;

  constructor(scope: Construct, id: string, props: SecretsStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const prefix = `informix-grpc-proxy/${config.name}`;

    this.key = new kms.Key(this, "SecretsKey", {
      description: "Encrypts informix-grpc-proxy secrets",
      enableKeyRotation: true,
      removalPolicy,
    });

    this.existingSecretKeyArn = config.secrets.existingInformixSecretKeyArn;
    this.informixCredentials = config.secrets.existingInformixSecretArn
      ? secretsmanager.Secret.fromSecretCompleteArn(
          this,
          "InformixCredentials",
          config.secrets.existingInformixSecretArn,
        )
      : new secretsmanager.Secret(this, "InformixCredentials", {
          secretName: `${prefix}/informix`,
          description: "Informix user and password used by the proxy",
          encryptionKey: this.key,
          removalPolicy,
          generateSecretString: {
            secretStringTemplate: JSON.stringify({ [SECRET_KEYS.informixUser]: config.informix.connection.user }),
            generateStringKey: SECRET_KEYS.informixPassword,
            // Informix passwords travel in a CLI connection string: keep to characters it never needs to quote.
            excludeCharacters: ";={}[]'\"\\ `/@",
            passwordLength: 32,
          },
        });

    this.informixReaderCredentials = new secretsmanager.Secret(this, "InformixReaderCredentials", {
      secretName: `${prefix}/informix-reader`,
      description: "Informix user with SELECT only, and its password: the login of the proxy's read-only roles",
      encryptionKey: this.key,
      removalPolicy,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ [SECRET_KEYS.informixUser]: config.informix.connection.readerUser }),
        generateStringKey: SECRET_KEYS.informixPassword,
        excludeCharacters: ";={}[]'\"\\ `/@",
        passwordLength: 32,
      },
    });

    this.apiKeyHashes = new secretsmanager.Secret(this, "ApiKeyHashes", {
      secretName: `${prefix}/api-key-hashes`,
      description: "SHA-256 hashes of the API keys the proxy accepts (JSON array under apiKeyHashes)",
      encryptionKey: this.key,
      removalPolicy,
      generateSecretString: {
        // An empty array: no key is accepted until operators add entries (docs/deploying.md). CloudFormation
        // writes this value only at creation (while this property stays unchanged), so a deploy never
        // overwrites the entries put since; the generated "unused" key is ignored.
        secretStringTemplate: API_KEY_HASHES_TEMPLATE,
        generateStringKey: "unused",
      },
    });

    this.tlsMaterial = new secretsmanager.Secret(this, "TlsMaterial", {
      secretName: `${prefix}/tls`,
      description: "PEM certificate chain and private key the proxy serves gRPC TLS with",
      encryptionKey: this.key,
      removalPolicy,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ [SECRET_KEYS.tlsCertificate]: "" }),
        generateStringKey: SECRET_KEYS.tlsPrivateKey,
      },
    });
  }
}
