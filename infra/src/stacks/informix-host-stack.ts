// Optional Informix host: EC2 in a private subnet, encrypted gp3 data volume, SSM-managed (no SSH, no key
// pair), reachable only from the proxy's security group. Backups: DLM snapshots of the data volume plus a
// scheduled ontape/onbar archive to an encrypted, versioned S3 bucket.
import { CfnOutput, Duration, RemovalPolicy, Size, Stack, type StackProps, Tags } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cwActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as dlm from "aws-cdk-lib/aws-dlm";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as events from "aws-cdk-lib/aws-events";
import * as eventsTargets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import type * as sns from "aws-cdk-lib/aws-sns";
import * as ssm from "aws-cdk-lib/aws-ssm";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema.js";
import { ArchiveDocument } from "../constructs/archive-document.js";
import { BackupBucket, grantArchiveAccess } from "../constructs/backup-bucket.js";
import { SnapshotConsistencyDocument } from "../constructs/snapshot-consistency-document.js";

type CreatedHost = Extract<EnvironmentConfig["informix"]["host"], { mode: "create" }>;

export interface InformixHostStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly host: CreatedHost;
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  /** Where backup failures are reported (the Alerting stack's topic). */
  readonly alarmTopic: sns.ITopic;
}

export const BACKUP_TAG_KEY = "informix-grpc-proxy:backup";
export const DATA_DEVICE = "/dev/sdf";
export const SMOKE_BASTION_TAG_KEY = "informix-grpc-proxy:smoke-bastion";

export class InformixHostStack extends Stack {
  readonly instance: ec2.Instance;
  readonly dataVolume: ec2.Volume;
  readonly backupBucket: BackupBucket;
  readonly snapshotPolicy: dlm.CfnLifecyclePolicy;
  /** ontape or onbar: also the archive prefix in the backup bucket. */
  readonly archiveTool: string;

  constructor(scope: Construct, id: string, props: InformixHostStackProps) {
    super(scope, id, props);
    const { config, host } = props;
    const backup = host.backup;
    this.archiveTool = backup.archiveTool;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const key = new kms.Key(this, "DataKey", {
      description: "Encrypts the Informix volumes, snapshots and archives",
      enableKeyRotation: true,
      removalPolicy,
    });

    this.instance = new ec2.Instance(this, "Instance", {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      instanceType: new ec2.InstanceType(host.instanceType),
      // Pinned by id: a "latest" SSM lookup would replace the host on the next deploy after each AWS release
      // (and the data volume's attachment and termination protection would then block that deploy).
      machineImage: ec2.MachineImage.genericLinux({ [config.region]: host.imageId }),
      securityGroup: props.securityGroup,
      ssmSessionPermissions: true,
      requireImdsv2: true,
      detailedMonitoring: true,
      disableApiTermination: config.retainData,
      // No key pair: shell access is through SSM Session Manager only.
      blockDevices: [
        {
          deviceName: "/dev/xvda",
          volume: ec2.BlockDeviceVolume.ebs(30, {
            encrypted: true,
            kmsKey: key,
            volumeType: ec2.EbsDeviceVolumeType.GP3,
          }),
        },
      ],
    });

    this.dataVolume = new ec2.Volume(this, "DataVolume", {
      availabilityZone: this.instance.instanceAvailabilityZone,
      size: Size.gibibytes(host.dataVolumeGiB),
      volumeType: ec2.EbsDeviceVolumeType.GP3,
      iops: host.dataVolumeIops,
      throughput: host.dataVolumeThroughputMiBps,
      encrypted: true,
      encryptionKey: key,
      removalPolicy: config.retainData ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
    });
    Tags.of(this.dataVolume).add(BACKUP_TAG_KEY, config.name);
    // The deploy workflow's smoke test forwards a port through this host (SSM, no SSH) to the internal NLB.
    Tags.of(this.instance).add(SMOKE_BASTION_TAG_KEY, config.name);
    new CfnOutput(this, "InformixInstanceId", { value: this.instance.instanceId });
    new ec2.CfnVolumeAttachment(this, "DataVolumeAttachment", {
      device: DATA_DEVICE,
      instanceId: this.instance.instanceId,
      volumeId: this.dataVolume.volumeId,
    });

    // DLM snapshots the tagged data volume; its role is the service's documented managed policy.
    // DLM snapshots every volume of the tagged instance (root with the Informix configuration, and data) in
    // one multi-volume set, with Informix blocked around it (pre/post scripts through SSM): app-consistent.
    Tags.of(this.instance).add(BACKUP_TAG_KEY, config.name);
    const consistency = new SnapshotConsistencyDocument(this, "SnapshotConsistency");
    const dlmRole = new iam.Role(this, "SnapshotRole", {
      assumedBy: new iam.ServicePrincipal("dlm.amazonaws.com"),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName("service-role/AWSDataLifecycleManagerServiceRole"),
        // What DLM documents for pre/post scripts: run the SSM document on the instance and read its result.
        iam.ManagedPolicy.fromAwsManagedPolicyName("service-role/AWSDataLifecycleManagerSSMFullAccess"),
      ],
    });
    key.grantEncryptDecrypt(dlmRole);
    key.grant(dlmRole, "kms:CreateGrant", "kms:DescribeKey");
    this.snapshotPolicy = new dlm.CfnLifecyclePolicy(this, "SnapshotPolicy", {
      description: `informix-grpc-proxy ${config.name} host snapshots - Informix blocked`,
      state: "ENABLED",
      executionRoleArn: dlmRole.roleArn,
      policyDetails: {
        policyType: "EBS_SNAPSHOT_MANAGEMENT",
        resourceTypes: ["INSTANCE"],
        targetTags: [{ key: BACKUP_TAG_KEY, value: config.name }],
        parameters: { excludeBootVolume: false },
        schedules: [
          {
            name: `every ${backup.snapshotIntervalHours}h keep ${backup.retainSnapshots}`,
            copyTags: true,
            createRule: {
              interval: backup.snapshotIntervalHours,
              intervalUnit: "HOURS",
              times: backup.snapshotTimesUtc,
              scripts: [
                {
                  stages: ["PRE", "POST"],
                  executionHandlerService: "AWS_SYSTEMS_MANAGER",
                  executionHandler: this.formatArn({
                    service: "ssm",
                    resource: "document",
                    resourceName: consistency.document.ref,
                  }),
                  // A failed block still yields a crash-consistent snapshot (Informix recovers from it) and an alarm.
                  executeOperationOnScriptFailure: true,
                  executionTimeout: 60,
                  maximumRetryCount: 2,
                },
              ],
            },
            retainRule: { count: backup.retainSnapshots },
            crossRegionCopyRules: backup.crossRegionCopy
              ? [
                  {
                    targetRegion: backup.crossRegionCopy.targetRegion,
                    encrypted: true,
                    copyTags: true,
                    retainRule: { interval: backup.crossRegionCopy.retainDays, intervalUnit: "DAYS" },
                  },
                ]
              : undefined,
          },
        ],
      },
    });

    this.backupBucket = new BackupBucket(this, "Backups", {
      key,
      retainDays: backup.archiveRetainDays,
      retainData: config.retainData,
    });
    grantArchiveAccess(this.backupBucket.bucket, key, this.instance.role, this.region);

    const archive = new ArchiveDocument(this, "Archive", {
      bucketName: this.backupBucket.bucket.bucketName,
      kmsKeyArn: key.keyArn,
    });
    this.addBackupAlarms(archive, props.alarmTopic);

    new ssm.CfnAssociation(this, "ArchiveSchedule", {
      name: archive.document.ref,
      associationName: `informix-grpc-proxy-${config.name}-archive`,
      scheduleExpression: backup.archiveSchedule,
      targets: [{ key: "InstanceIds", values: [this.instance.instanceId] }],
      parameters: { Tool: [backup.archiveTool], Level: ["0"] },
      applyOnlyAtCronInterval: true,
      complianceSeverity: "HIGH",
    });
  }

  /** A failed snapshot, pre/post script or archive run reaches the alert topic (docs/restore.md says what next). */
  private addBackupAlarms(archive: ArchiveDocument, topic: sns.ITopic): void {
    const action = new cwActions.SnsAction(topic);
    const policyId = this.snapshotPolicy.ref; // Ref of a lifecycle policy is its id (policy-...)
    for (const metricName of [
      "SnapshotsCreateFailed",
      "PreScriptFailed",
      "PostScriptFailed",
      "SnapshotsCopiedRegionFailed",
    ]) {
      const alarm = new cloudwatch.Alarm(this, `Dlm${metricName}`, {
        alarmDescription: `informix-grpc-proxy ${this.stackName}: DLM ${metricName} (see docs/restore.md)`,
        metric: new cloudwatch.Metric({
          namespace: "AWS/EBS",
          metricName,
          dimensionsMap: { DLMPolicyId: policyId },
          statistic: cloudwatch.Stats.SUM,
          period: Duration.hours(1),
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
    }
    // The archive job: Run Command reports every invocation's end on EventBridge.
    new events.Rule(this, "ArchiveFailed", {
      description: "The Informix archive (ontape/onbar to S3) did not succeed",
      eventPattern: {
        source: ["aws.ssm"],
        detailType: ["EC2 Command Invocation Status-change Notification"],
        detail: { "document-name": [archive.document.ref], status: ["Failed", "TimedOut", "Cancelled"] },
      },
      targets: [new eventsTargets.SnsTopic(topic)],
    });
  }
}
