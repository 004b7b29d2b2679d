#!/usr/bin/env bash
# Post-deploy smoke test through the internal NLB, from a GitHub runner outside the VPC: an SSM port forward
# through the environment's SSM-managed host (the Informix host the stack created, or SMOKE_BASTION_INSTANCE_ID)
# to the NLB's gRPC port, then grpcurl:
#   1. grpc.health.v1.Health/Check must answer (SERVING, or NOT_SERVING while the database is not installed yet:
#      either proves NLB -> task -> proxy);
#   2. with the API key in the secret informix-grpc-proxy/ENV/smoke-api-key (create it once the database
#      answers, docs/deploying.md), one query must return a row.
# Usage: smoke-through-nlb.sh ENV OUTPUTS_JSON (cdk deploy --outputs-file). Exit 1 on failure (deploy.yml rolls back).
set -euo pipefail
env_name="$1"
outputs="$2"
port=15051
output() { jq -r --arg k "$1" '[.[] | to_entries[] | select(.key == $k) | .value][0] // empty' "$outputs"; }
nlb="$(output LoadBalancerDnsName)"
tls="$(output GrpcTls)"
bastion="${SMOKE_BASTION_INSTANCE_ID:-$(output InformixInstanceId)}"
[ -n "$nlb" ] || { echo "::error::no LoadBalancerDnsName in $outputs"; exit 1; }
[ -n "$bastion" ] || { echo "::error::no SSM-managed host to forward through: set SMOKE_BASTION_INSTANCE_ID"; exit 1; }

GOBIN="$RUNNER_TEMP/bin" go install github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.3
grpcurl="$RUNNER_TEMP/bin/grpcurl"

aws ssm start-session --target "$bastion" --document-name AWS-StartPortForwardingSessionToRemoteHost \
  --parameters "{\"host\":[\"$nlb\"],\"portNumber\":[\"50051\"],\"localPortNumber\":[\"$port\"]}" >"$RUNNER_TEMP/ssm.log" 2>&1 &
forward=$!
trap 'kill $forward 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 1; done

# TLS: the certificate names the service's private DNS name, not 127.0.0.1; this test checks the path and the
# service, the certificate is checked by every real client.
transport=(-plaintext)
[ "$tls" = "true" ] && transport=(-insecure)
health="$("$grpcurl" "${transport[@]}" -max-time 10 "127.0.0.1:$port" grpc.health.v1.Health/Check 2>&1 || true)"
echo "health: $health"
grep -qE '"status": "(SERVING|NOT_SERVING)"' <<<"$health" || { echo "::error::no gRPC health answer through the NLB"; exit 1; }

key="$(aws secretsmanager get-secret-value --secret-id "informix-grpc-proxy/$env_name/smoke-api-key" \
  --query SecretString --output text 2>/dev/null || true)"
if [ -z "$key" ]; then
  echo "::warning::no informix-grpc-proxy/$env_name/smoke-api-key secret yet: the query step is skipped"
  exit 0
fi
echo "::add-mask::$key"
result="$("$grpcurl" "${transport[@]}" -max-time 30 -H "authorization: Bearer $key" \
  -d '{"sql":"SELECT 1 AS one FROM systables WHERE tabid = 1"}' "127.0.0.1:$port" informix.proxy.v1.SqlService/Execute 2>&1 || true)"
grep -q '"int64Value": "1"' <<<"$result" || { echo "::error::the smoke query failed: $result"; exit 1; }
echo "smoke: health and one query through $nlb passed"
