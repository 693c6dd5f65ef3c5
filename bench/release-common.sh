# shellcheck shell=bash
# Shared by the release benchmarks: a moto server on loopback and a scratch app repository.
# Sourced, not run. Sets: root, work, port, and exports the AWS variables pointing at moto.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 1; }
command -v moto_server >/dev/null || { echo "moto_server is not installed (bash .ci/install)" >&2; exit 1; }
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break; sleep 0.2; done
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \
  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true NO_COLOR=1
unset AWS_PROFILE
mkdir -p "$work/repo/server" "$work/repo/web" "$root/bench/results"
echo 'FROM python:3.12-slim' >"$work/repo/server/Dockerfile"
echo 'FROM node:20-slim' >"$work/repo/web/Dockerfile"
echo '{"lockfileVersion":3}' >"$work/repo/web/package-lock.json"
