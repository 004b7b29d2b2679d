// SSM Command document that archives the Informix instance with ontape (level-0 to stdout) or onbar
// and streams it to S3 with KMS encryption. Scheduled by a State Manager association.
import * as ssm from "aws-cdk-lib/aws-ssm";
import { Construct } from "constructs";

export interface ArchiveDocumentProps {
  readonly bucketName: string;
  readonly kmsKeyArn: string;
}

export class ArchiveDocument extends Construct {
  readonly document: ssm.CfnDocument;

  constructor(scope: Construct, id: string, props: ArchiveDocumentProps) {
    super(scope, id);
    // Bash text: ${...} below is shell expansion, not a template literal.
    const script = [
      "set -euo pipefail",
      ". '{{ InformixEnvFile }}'",
      'stamp="$(date -u +%Y%m%dT%H%M%SZ)"',
      `dest="s3://${props.bucketName}/{{ Tool }}/$(hostname)/$stamp"`,
      `sse=(--sse aws:kms --sse-kms-key-id "${props.kmsKeyArn}")`,
      'if [ "{{ Tool }}" = "ontape" ]; then',
      "  # Level-0 archive to stdout: nothing touches the local disk; the stream is encrypted in transit and at rest.",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell array expansion
      '  su informix -c "ontape -s -L {{ Level }} -t STDIO" | aws s3 cp - "$dest.level{{ Level }}" "${sse[@]}"',
      "else",
      "  # onbar writes through the PSM storage manager to BAR_BSALIB's device directory, then we copy it.",
      '  su informix -c "onbar -b -L {{ Level }}"',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell array expansion
      '  aws s3 sync "{{ PsmDirectory }}" "$dest/" "${sse[@]}"',
      '  su informix -c "onbar -b -l -c"  # back up the current logical log as well',
      "fi",
      'echo "archive written to $dest"',
    ];
    this.document = new ssm.CfnDocument(this, "Document", {
      documentType: "Command",
      documentFormat: "YAML",
      updateMethod: "NewVersion",
      content: {
        schemaVersion: "2.2",
        description: "Archive the Informix instance with ontape or onbar to the encrypted backup bucket",
        parameters: {
          Tool: { type: "String", default: "ontape", allowedValues: ["ontape", "onbar"] },
          Level: { type: "String", default: "0", allowedValues: ["0", "1", "2"] },
          InformixEnvFile: { type: "String", default: "/etc/profile.d/informix.sh" },
          PsmDirectory: { type: "String", default: "/var/informix/backups" },
        },
        mainSteps: [
          {
            action: "aws:runShellScript",
            name: "archive",
            inputs: { timeoutSeconds: "14400", runCommand: ["#!/bin/bash", ...script] },
          },
        ],
      },
    });
  }
}
