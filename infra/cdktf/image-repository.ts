// The registry: immutable, scanned, KMS-encrypted tags; release images kept, untagged ones expire after 7 days,
// 30 commit images kept.
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy/index.js";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository/index.js";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import type { TerraformStack } from "cdktf";
import type { EnvironmentConfig } from "../src/config/schema.js";
import { RELEASE_IMAGES_KEPT, RELEASE_TAG_PREFIX } from "../src/stacks/registry-stack.js";

export function imageRepository(
  stack: TerraformStack,
  name: string,
  config: EnvironmentConfig,
  key: KmsKey,
): EcrRepository {
  const repository = new EcrRepository(stack, "repository", {
    name,
    imageTagMutability: "IMMUTABLE",
    imageScanningConfiguration: { scanOnPush: true },
    encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: key.arn }],
    forceDelete: !config.retainData,
  });
  new EcrLifecyclePolicy(stack, "repository_lifecycle", {
    repository: repository.name,
    policy: JSON.stringify({
      // Release images carry v1.2.3 beside sha-<commit>: rule 1 claims them so the sha- count never expires one.
      rules: [
        {
          rulePriority: 1,
          description: "Keep every release image",
          selection: {
            tagStatus: "tagged",
            tagPrefixList: [RELEASE_TAG_PREFIX],
            countType: "imageCountMoreThan",
            countNumber: RELEASE_IMAGES_KEPT,
          },
          action: { type: "expire" },
        },
        {
          rulePriority: 2,
          description: "Drop untagged after 7 days",
          selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
          action: { type: "expire" },
        },
        {
          rulePriority: 3,
          description: "Keep 30 commit images",
          selection: {
            tagStatus: "tagged",
            tagPrefixList: ["sha-"],
            countType: "imageCountMoreThan",
            countNumber: 30,
          },
          action: { type: "expire" },
        },
      ],
    }),
  });
  return repository;
}
