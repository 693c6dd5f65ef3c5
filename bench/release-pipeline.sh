#!/usr/bin/env bash
# The release pipeline's parallelism and overhead, with stand-in tools of fixed durations:
#   e2e 4 s; npm ci 2 s + build 2 s; docker build 6 s per image; docker push 1 s per tag (4 tags).
# Sequential sum of the tools: 4 + 4 + 12 + 4 = 24 s. Critical path with the pipeline's
# parallelism (e2e | build-web | images, the builds in parallel; then push-images, once e2e passed,
# the pushes in parallel): 6 + 1 = 7 s.
# Targets: wall time <= 0.6 x 24 s; orchestration overhead (the pipeline's total - 7 s) < 2 s.
# ECR's GetAuthorizationToken goes to moto, as production's SDK call goes to AWS; ecr.registry is set
# (as a repository's monet.properties would), so images asks ECR nothing; push-images fetches the token.
# Usage: bench/release-pipeline.sh [RUNS]   (results: bench/results/release-pipeline.md)
set -euo pipefail
# shellcheck source=bench/release-common.sh
source "$(dirname "$0")/release-common.sh"
runs=${1:-5}
export PATH="$root/tests/release/bin:$PATH" DOCKER_STANDIN_LOG="$work/docker.log" DOCKER_STANDIN_STATE="$work/docker" \
  DOCKER_STANDIN_BUILD_SECONDS=6 DOCKER_STANDIN_PUSH_SECONDS=1 NPM_STANDIN_SECONDS=2 ANTHROPIC_API_KEY=dummy
cmd="cd $work/repo && $root/jbang $root/scripts/release.java pipeline --only e2e,build-web,images,push-images --version 1.2.3 --set e2e.command='sleep 4' --set ecr.registry=123456789012.dkr.ecr.us-east-1.amazonaws.com"
bash -c "$cmd" >/dev/null 2>"$work/first.log" || { cat "$work/first.log" >&2; exit 1; }
hyperfine --warmup 1 --runs "$runs" --export-json "$work/pipeline.json" -n 'release pipeline (stand-ins, 24 s of tools)' "$cmd"
bash -c "$cmd" 2>&1 >/dev/null | grep -E '^(step|e2e|build-web|images|push-images|total) ' | tee "$work/summary.txt"
python3 - "$work/pipeline.json" "$work/summary.txt" > "$root/bench/results/release-pipeline.md" <<'PY'
import json, sys, re
r = json.load(open(sys.argv[1]))["results"][0]
mean, lo, hi = r["mean"], r["min"], r["max"]
summary = open(sys.argv[2]).read()
total = re.search(r"^total\s+ok\s+([\d.]+)s", summary, re.M)
inside = float(total.group(1)) if total else float("nan")
print("| measure | value |\n|---|---:|")
print(f"| sequential sum of the stand-in tools | 24.0 s |")
print(f"| critical path (e2e, build-web and the parallel builds side by side, then the parallel pushes) | 7.0 s |")
print(f"| whole process, `./jbang release pipeline ...` (mean of {len(r['times'])}, min-max) | {mean:.2f} s ({lo:.2f}-{hi:.2f}) |")
print(f"| wall / sequential sum | {mean/24:.2f} (target <= 0.60) |")
print(f"| pipeline's own total (in the JVM) | {inside:.2f} s |")
print(f"| orchestration overhead in the JVM (total - critical path) | {inside-7:.2f} s (target < 2 s) |")
print(f"| whole-process overhead (wall - critical path: JVMs, SDK, ECR login) | {mean-7:.2f} s |")
import os
print(f"| load average while measuring (2 cores) | {os.getloadavg()[0]:.1f} |")
print()
print("Summary of the last run:\n\n```\n" + summary.strip() + "\n```")
PY
cat "$root/bench/results/release-pipeline.md"
