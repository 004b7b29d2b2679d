// An S3 bucket for database archives: KMS-encrypted, versioned, TLS-only, private, with access logs; and
// the access the Informix host needs to write archives and read them back for a restore, no more.
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";

export interface BackupBucketProps {
  readonly key: kms.IKey;
  readonly retainDays: number;
  readonly retainData: boolean;
}

/** Archives live under one prefix per tool: ontape/HOST/STAMP.levelN and onbar/HOST/STAMP/. */
export const ARCHIVE_PREFIXES = ["ontape", "onbar"] as const;

export class BackupBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: BackupBucketProps) {
    super(scope, id);
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.accessLogs = new s3.Bucket(this, "AccessLogs", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy,
      autoDeleteObjects: false,
    });
    this.bucket = new s3.Bucket(this, "Archives", {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: "archives/",
      lifecycleRules: [
        {
          expiration: Duration.days(props.retainDays),
          noncurrentVersionExpiration: Duration.days(props.retainDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
    });
  }
}

/**
 * The host writes archives (aws s3 cp / sync, multipart), lists and reads them back for a restore
 * (docs/restore.md runs on the host), and can delete nothing: a compromised host must not be able to
 * destroy the archives that versioning keeps. The bucket policy repeats that as an explicit deny.
 */
export function grantArchiveAccess(bucket: s3.Bucket, key: kms.IKey, role: iam.IRole, region: string): void {
  const objects = ARCHIVE_PREFIXES.map((prefix) => bucket.arnForObjects(`${prefix}/*`));
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: "WriteAndReadArchives",
      actions: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      resources: objects,
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: "ListArchives",
      actions: ["s3:ListBucket"],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { "s3:prefix": ARCHIVE_PREFIXES.flatMap((p) => [p, `${p}/*`]) } },
    }),
  );
  // SSE-KMS: PutObject needs GenerateDataKey, multipart uploads and reads need Decrypt; through S3 only.
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: "ArchiveKeyThroughS3",
      actions: ["kms:GenerateDataKey", "kms:Decrypt"],
      resources: [key.keyArn],
      conditions: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
    }),
  );
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: "HostCannotDestroyArchives",
      effect: iam.Effect.DENY,
      principals: [new iam.ArnPrincipal(role.roleArn)],
      actions: [
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:PutBucketVersioning",
        "s3:PutLifecycleConfiguration",
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
        "s3:PutObjectRetention",
        "s3:BypassGovernanceRetention",
      ],
      resources: [bucket.bucketArn, bucket.arnForObjects("*")],
    }),
  );
}
