// One customer-managed key for images, secrets, logs and the alert topic.
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias/index.js";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import type { TerraformStack } from "cdktf";

export function encryptionKey(stack: TerraformStack, name: string, region: string, accountId: string): KmsKey {
  const keyPolicy = new DataAwsIamPolicyDocument(stack, "key_policy", {
    statement: [
      {
        sid: "AccountAdministers",
        principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${accountId}:root`] }],
        actions: ["kms:*"],
        resources: ["*"],
      },
      {
        sid: "ServicesUseTheKey",
        principals: [
          {
            type: "Service",
            identifiers: [`logs.${region}.amazonaws.com`, "aps.amazonaws.com", "cloudwatch.amazonaws.com"],
          },
        ],
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        resources: ["*"],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
      },
    ],
  });
  const key = new KmsKey(stack, "key", {
    description: `${name}: images, secrets, logs, alerts`,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: keyPolicy.json,
  });
  new KmsAlias(stack, "key_alias", { name: `alias/${name}`, targetKeyId: key.keyId });
  return key;
}
