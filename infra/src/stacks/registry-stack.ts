// ECR repository for the proxy image: immutable tags, scan on push, KMS encryption, lifecycle rules.
import { Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import * as ecr from "aws-cdk-lib/aws-ecr";
import * as kms from "aws-cdk-lib/aws-kms";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema.js";

/** Release tags are v<semver>; release.yml pushes them beside sha-<commit>. */
export const RELEASE_TAG_PREFIX = "v";
/** ECR's count rules need a number; no repository keeps ten thousand releases. */
export const RELEASE_IMAGES_KEPT = 10_000;

export interface RegistryStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

export class RegistryStack extends Stack {
  readonly repository: ecr.Repository;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: RegistryStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.key = new kms.Key(this, "ImageKey", {
      description: "Encrypts informix-grpc-proxy images in ECR",
      enableKeyRotation: true,
      removalPolicy,
    });
    this.repository = new ecr.Repository(this, "Repository", {
      repositoryName: `${config.image.repositoryName}-${config.name}`,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      imageScanOnPush: true,
      encryption: ecr.RepositoryEncryption.KMS,
      encryptionKey: this.key,
      removalPolicy,
      emptyOnDelete: !config.retainData,
      // ECR matches an image by ANY of its tags, and a release image carries both v1.2.3 and sha-<commit>:
      // the sha- count rule alone would expire releases. A rule that matches an image first keeps it from
      // every lower-priority rule, so releases are claimed by rule 1 (and a count no repository reaches).
      lifecycleRules: [
        {
          rulePriority: 1,
          description: "Keep every release image (v1.2.3): a rollback must always find its image",
          tagStatus: ecr.TagStatus.TAGGED,
          tagPrefixList: [RELEASE_TAG_PREFIX],
          maxImageCount: RELEASE_IMAGES_KEPT,
        },
        {
          rulePriority: 2,
          description: "Drop untagged layers after a week",
          tagStatus: ecr.TagStatus.UNTAGGED,
          maxImageAge: Duration.days(7),
        },
        {
          rulePriority: 3,
          description: "Keep the last 30 commit-tagged images",
          tagStatus: ecr.TagStatus.TAGGED,
          tagPrefixList: ["sha-"],
          maxImageCount: 30,
        },
      ],
    });
  }
}
