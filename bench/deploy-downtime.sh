#!/usr/bin/env bash
# What users see of a deploy: during a deploy of 2.0.0 over 1.0.0 on the rehearsal host (the real
# Docker engine, .ci/install-docker-host), a client loads a page with its assets, /api/version and
# a WebSocket every 50 ms (DeployOnDockerTest's first scenario, which also asserts that no page
# fails). Failed requests per endpoint, and the longest run of failures as a share of the whole
# release's time (the anchor, measured in the same run).
# Usage: bench/deploy-downtime.sh   (results: bench/results/deploy-downtime.md)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mvn -B -q test -Dtest='DeployOnDockerTest#filesOfTheSameSizeReachTheHostAndTheOldAssetsAnswerDuringAndAfterTheSwitch' \
  -Dsurefire.failIfNoSpecifiedTests=false -Dmonet.bench.downtime="$root/bench/results/deploy-downtime.md"
cat "$root/bench/results/deploy-downtime.md"
