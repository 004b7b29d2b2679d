#!/usr/bin/env bash
# Restore drill against a dev stack (docs/restore.md): proves the newest backups restore, without touching the
# running database. A person runs it with credentials for the environment's account:
#   bash infra/scripts/restore-drill.sh dev [--keep]
# 1. the newest DLM snapshot of the host's data volume becomes a new volume, attached to the host read-only;
#    Informix's own tool checks it: `oncheck -pr` against a copy of the ROOTPATH chunk on it (reserved pages);
# 2. the newest ontape/onbar archive in the backup bucket is read back end to end (its size and checksum);
# 3. everything the drill created is removed (--keep leaves the volume for a person to look at).
# Prints the time each step took: the restore time objective you can promise is at least their sum.
set -euo pipefail
env_name="${1:?usage: restore-drill.sh ENV [--keep]}"
keep="${2:-}"
stack="InformixGrpcProxy-$env_name-InformixHost"
out() { aws cloudformation describe-stacks --stack-name "$stack" --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text; }
step() { echo "== $*"; SECONDS=0; }
took() { echo "   took ${SECONDS}s"; }
run_on_host() { # command text: runs through SSM Run Command and prints its output
  local id
  id="$(aws ssm send-command --instance-ids "$instance" --document-name AWS-RunShellScript \
    --parameters "commands=[\"$1\"]" --query Command.CommandId --output text)"
  aws ssm wait command-executed --command-id "$id" --instance-id "$instance" || true
  aws ssm get-command-invocation --command-id "$id" --instance-id "$instance" \
    --query '[Status, StandardOutputContent, StandardErrorContent]' --output text
}

instance="$(out InformixInstanceId)"
az="$(aws ec2 describe-instances --instance-ids "$instance" --query 'Reservations[0].Instances[0].Placement.AvailabilityZone' --output text)"
data_volume="$(aws ec2 describe-volumes --filters "Name=attachment.instance-id,Values=$instance" "Name=attachment.device,Values=/dev/sdf" \
  --query 'Volumes[0].VolumeId' --output text)"
echo "drill on $env_name: host $instance ($az), data volume $data_volume"

step "1. newest snapshot of the data volume -> a new volume on the host"
snapshot="$(aws ec2 describe-snapshots --owner-ids self --filters "Name=volume-id,Values=$data_volume" "Name=status,Values=completed" \
  --query 'sort_by(Snapshots, &StartTime)[-1].[SnapshotId,StartTime]' --output text)"
[ -n "$snapshot" ] && [ "$snapshot" != "None	None" ] || { echo "no completed snapshot of $data_volume"; exit 1; }
echo "   snapshot ${snapshot}"
key="$(aws ec2 describe-volumes --volume-ids "$data_volume" --query 'Volumes[0].KmsKeyId' --output text)"
volume="$(aws ec2 create-volume --snapshot-id "${snapshot%%	*}" --availability-zone "$az" --volume-type gp3 \
  --encrypted --kms-key-id "$key" --tag-specifications "ResourceType=volume,Tags=[{Key=restore-drill,Value=$env_name}]" \
  --query VolumeId --output text)"
cleanup() {
  [ "$keep" = "--keep" ] && { echo "kept $volume (attached as /dev/sdg)"; return; }
  run_on_host "umount /mnt/restore-drill 2>/dev/null; true" >/dev/null || true
  aws ec2 detach-volume --volume-id "$volume" >/dev/null 2>&1 || true
  aws ec2 wait volume-available --volume-ids "$volume" 2>/dev/null || true
  aws ec2 delete-volume --volume-id "$volume" && echo "removed $volume"
}
trap cleanup EXIT
aws ec2 wait volume-available --volume-ids "$volume"
aws ec2 attach-volume --volume-id "$volume" --instance-id "$instance" --device /dev/sdg >/dev/null
aws ec2 wait volume-in-use --volume-ids "$volume"
took

step "2. the restored volume holds Informix chunks that Informix can read"
run_on_host "set -e; dev=\$(lsblk -rpno NAME,SERIAL | awk -v s=\$(echo $volume | tr -d -) '\$2==s{print \$1}'); mkdir -p /mnt/restore-drill; mount -o ro,noload \$dev /mnt/restore-drill || mount -o ro \$dev /mnt/restore-drill; ls -la /mnt/restore-drill; . /etc/profile.d/informix.sh; root=\$(onstat -c ROOTPATH | tail -1); rel=\${root#/var/informix/data/}; cp /mnt/restore-drill/\$rel /tmp/drill-rootchunk; su informix -c \"ROOTPATH=/tmp/drill-rootchunk oncheck -pr\" | head -40; rm -f /tmp/drill-rootchunk"
took

step "3. the newest archive in the backup bucket reads back end to end"
bucket="$(aws cloudformation describe-stack-resources --stack-name "$stack" \
  --query "StackResources[?ResourceType=='AWS::S3::Bucket' && contains(LogicalResourceId, 'Archives')].PhysicalResourceId" --output text)"
newest="$(aws s3api list-objects-v2 --bucket "$bucket" --query 'sort_by(Contents, &LastModified)[-1].[Key,Size]' --output text)"
echo "   newest archive object: $newest"
run_on_host "aws s3 cp s3://$bucket/${newest%%	*} - | sha256sum"
took
echo "restore drill on $env_name: done (compare the snapshot and archive times with your recovery point objective)"
