// cdk-nag AwsSolutions findings accepted on purpose, each with its reason. cdk-nag v3 acknowledges each
// finding by its exact id (rule plus the finding in brackets), so a new wildcard or managed policy
// still fails synth until someone writes down why it is acceptable.
import { Stack, Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import type { EnvironmentStacks } from "../app-builder.js";
import { ARCHIVE_PREFIXES } from "../constructs/backup-bucket.js";

export interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

export interface RecordedAcknowledgement extends Acknowledgement {
  /** Construct path the acknowledgement applies to (and below). */
  readonly path: string;
}

const KMS_GRANT_ACTIONS = [
  "AwsSolutions-IAM5[Action::kms:ReEncrypt*]",
  "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]",
];

/** Acknowledges the accepted findings and returns them, so tests and reports can count them. */
export function applyNagSuppressions(stacks: EnvironmentStacks): RecordedAcknowledgement[] {
  const made: RecordedAcknowledgement[] = [];
  const acknowledge = (scope: IConstruct, ids: readonly string[], reason: string): void => {
    for (const id of ids) {
      Validations.of(scope).acknowledge({ id, reason });
      made.push({ path: scope.node.path, id, reason });
    }
  };

  acknowledge(
    stacks.secrets,
    ["AwsSolutions-SMG4"],
    "Informix (writer and reader), API-key and TLS secrets are rotated with the systems that own them (the database users, the " +
      "key issuer, the certificate authority); Secrets Manager has no rotation function for them.",
  );

  const host = stacks.informixHost;
  if (host) {
    const instanceRole = host.instance.role;
    acknowledge(
      instanceRole,
      ["AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]"],
      "AmazonSSMManagedInstanceCore is AWS's documented minimum for Session Manager and Run Command, which " +
        "replace SSH on this host.",
    );
    const bucketArnToken = Stack.of(host).resolve(host.backupBucket.bucket.bucketArn) as {
      "Fn::GetAtt": [string, string];
    };
    const bucketId = bucketArnToken["Fn::GetAtt"][0];
    acknowledge(
      instanceRole,
      ARCHIVE_PREFIXES.map((prefix) => `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}/*]`),
      "The host writes archives under its tool's prefix and reads either prefix back for a restore " +
        "(docs/restore.md); object names carry host and timestamp, so a prefix is the narrowest resource.",
    );
    acknowledge(
      host,
      [
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole]",
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSDataLifecycleManagerSSMFullAccess]",
      ],
      "The AWS managed role policies are what Data Lifecycle Manager documents for EBS snapshot policies and " +
        "for their pre/post scripts (Informix blocked through SSM around the snapshot).",
    );
    acknowledge(
      host,
      KMS_GRANT_ACTIONS,
      "DLM must encrypt snapshots (and their copies) with the volume's key; the grant names that key only.",
    );
    acknowledge(
      host.instance,
      ["CloudFormation-Validate::W9010"],
      "The AMI is hardcoded on purpose: it comes pinned from the environment file, because a parameter or an SSM " +
        "lookup resolved at deploy time replaces the Informix host whenever AWS publishes a new image.",
    );
    if (!host.instance.instance.disableApiTermination) {
      acknowledge(
        host.instance,
        ["AwsSolutions-EC29"],
        "Termination protection is off only in environments with retainData false (development), whose hosts are disposable.",
      );
    }
  }

  const service = stacks.service;
  if (service) {
    acknowledge(
      service.taskDefinition,
      ["AwsSolutions-ECS2"],
      "The environment holds non-secret configuration only (NODE_ENV, the config file without secrets, the " +
        "collector config); secrets come from Secrets Manager through `secrets`, which a test asserts.",
    );
    acknowledge(
      service.taskDefinition,
      ["AwsSolutions-IAM5[Resource::*]"],
      "ecr:GetAuthorizationToken and the ECS log driver's actions have no resource-level permissions.",
    );
    acknowledge(
      service.loadBalancer,
      ["AwsSolutions-ELB2"],
      "NLB access logs only record TLS listeners; this listener passes TCP through and TLS ends in the proxy.",
    );
  }

  acknowledge(
    stacks.githubOidc,
    ["AwsSolutions-IAM5[Resource::*]"],
    "ecr:GetAuthorizationToken has no resource-level permissions; pushes are limited to this environment's repository.",
  );
  const account = Stack.of(stacks.githubOidc).account;
  const region = Stack.of(stacks.githubOidc).region;
  acknowledge(
    stacks.githubOidc,
    [
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::${nagAccount(account)}:role/cdk-hnb659fds-*-${nagAccount(account)}-${region}]`,
    ],
    "The workflow assumes the CDK bootstrap roles (deploy, file/image publishing, lookup) of this account and region only.",
  );
  const name = stackNameOf(stacks.githubOidc.stackName);
  const a = nagAccount(account);
  acknowledge(
    stacks.githubOidc,
    [
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:${region}:${a}:stack/InformixGrpcProxy-${name}-Service/*]`,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:${region}:${a}:instance/*]`,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:${region}:${a}:secret:informix-grpc-proxy/${name}/smoke-api-key-*]`,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:${region}:${a}:session/<aws:userid>-*]`,
    ],
    "The deploy workflow's smoke test: the Service stack's outputs (a stack ARN ends in its generated id), an SSM " +
      "session only on instances tagged as this environment's smoke bastion, only its own sessions, and the " +
      "smoke API key's secret (a secret ARN ends in a random suffix).",
  );

  if (stacks.eksService) {
    acknowledge(
      stacks.eksService,
      [
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly]",
        'AwsSolutions-IAM4[Policy::{"Fn::If":["HandlerHasEcrPublic195AF58A",{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}]',
        "AwsSolutions-L1",
        "AwsSolutions-IAM5[Resource::<Handler886CB40B.Arn>:*]",
      ],
      "These belong to aws-cdk-lib's kubectl provider (a nested stack of Lambda functions that apply the " +
        "manifests); its roles, policies and runtime are set by the library, not by this project.",
    );
  }
  return made;
}

/** The environment name inside InformixGrpcProxy-ENV-GithubOidc. */
function stackNameOf(stackName: string): string {
  return stackName.replace(/^InformixGrpcProxy-/, "").replace(/-GithubOidc$/, "");
}

/** cdk-nag renders an unresolved account as <AWS::AccountId>. */
function nagAccount(account: string): string {
  return account.startsWith("${Token[") ? "<AWS::AccountId>" : account;
}
