// SSM document that DLM runs before and after it snapshots the Informix host's volumes: `onmode -c block` makes
// the instance write a checkpoint and hold updates, so the snapshot is consistent to Informix (not only to the
// file system); `onmode -c unblock` releases it. DLM passes the stage as the `command` parameter, as its pre/post
// script contract documents (an SSM Command document with parameters executionId and command).
import * as ssm from "aws-cdk-lib/aws-ssm";
import { Construct } from "constructs";

export class SnapshotConsistencyDocument extends Construct {
  readonly document: ssm.CfnDocument;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const script = [
      "set -euo pipefail",
      ". /etc/profile.d/informix.sh",
      'case "{{ command }}" in',
      "  pre-script)",
      "    # A checkpoint, then updates wait until unblock: what the snapshot holds is what Informix wrote.",
      '    su informix -c "onmode -c block"',
      '    echo "informix blocked for snapshot {{ executionId }}" ;;',
      "  post-script)",
      '    su informix -c "onmode -c unblock"',
      '    echo "informix unblocked after snapshot {{ executionId }}" ;;',
      '  dry-run) su informix -c "onstat -" ;;',
      '  *) echo "unknown command {{ command }}" >&2; exit 1 ;;',
      "esac",
    ];
    this.document = new ssm.CfnDocument(this, "Document", {
      documentType: "Command",
      documentFormat: "YAML",
      updateMethod: "NewVersion",
      content: {
        schemaVersion: "2.2",
        description: "Block Informix around a DLM snapshot (onmode -c block / unblock)",
        parameters: {
          executionId: { type: "String", default: "None", allowedPattern: "^.{1,64}$" },
          command: {
            type: "String",
            default: "dry-run",
            allowedValues: ["pre-script", "post-script", "dry-run"],
          },
        },
        mainSteps: [
          {
            action: "aws:runShellScript",
            name: "informixConsistency",
            inputs: { timeoutSeconds: "120", runCommand: ["#!/bin/bash", ...script] },
          },
        ],
      },
    });
  }
}
