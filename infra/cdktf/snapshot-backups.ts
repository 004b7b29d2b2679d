// Backups: DLM snapshots of every volume tagged for this environment (tag the Informix data volume), copied to
// another region when configured. Only when the environment creates the Informix host.
import { DlmLifecyclePolicy } from "@cdktf/provider-aws/lib/dlm-lifecycle-policy/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { type TerraformStack, TerraformVariable } from "cdktf";
import type { EnvironmentConfig } from "../src/config/schema.js";
import { BACKUP_TAG_KEY } from "../src/stacks/informix-host-stack.js";

export function snapshotBackups(stack: TerraformStack, name: string, config: EnvironmentConfig): void {
  if (config.informix.host.mode !== "create") return;
  const backup = config.informix.host.backup;
  // Snapshot copies in the other region are encrypted with a key that lives there.
  const copyKeyArn = backup.crossRegionCopy
    ? new TerraformVariable(stack, "snapshot_copy_kms_key_arn", {
        type: "string",
        description: `KMS key in ${backup.crossRegionCopy.targetRegion} for the snapshot copies`,
      }).stringValue
    : undefined;
  const dlmRole = new IamRole(stack, "dlm_role", {
    name: `${name}-dlm`,
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "dlm.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
  });
  new IamRolePolicyAttachment(stack, "dlm_policy", {
    role: dlmRole.name,
    policyArn: "arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole",
  });
  new DlmLifecyclePolicy(stack, "snapshots", {
    description: `${name} data volume snapshots`,
    executionRoleArn: dlmRole.arn,
    state: "ENABLED",
    policyDetails: {
      resourceTypes: ["VOLUME"],
      targetTags: { [BACKUP_TAG_KEY]: config.name },
      schedule: [
        {
          name: `every ${backup.snapshotIntervalHours}h keep ${backup.retainSnapshots}`,
          copyTags: true,
          createRule: {
            interval: backup.snapshotIntervalHours,
            intervalUnit: "HOURS",
            times: backup.snapshotTimesUtc,
          },
          retainRule: { count: backup.retainSnapshots },
          crossRegionCopyRule: backup.crossRegionCopy
            ? [
                {
                  target: backup.crossRegionCopy.targetRegion,
                  encrypted: true,
                  cmkArn: copyKeyArn,
                  copyTags: true,
                  retainRule: { interval: backup.crossRegionCopy.retainDays, intervalUnit: "DAYS" },
                },
              ]
            : undefined,
        },
      ],
    },
  });
}
