#!/usr/bin/env bash
# sync-web beside `aws s3 sync` (aws-cli v1), both against moto, for a frontend of 2,000 files:
# after a first full upload, a re-sync with nothing changed must upload nothing; target: ours
# takes at most half the aws CLI's time (whole process, both warm).
# Usage: bench/sync-web.sh [RUNS]   (results: bench/results/sync-web.md)
set -euo pipefail
# shellcheck source=bench/release-common.sh
source "$(dirname "$0")/release-common.sh"
runs=${1:-5}
command -v aws >/dev/null || { echo "the aws CLI is not installed" >&2; exit 1; }
dist="$work/repo/web/dist"
python3 - "$dist" <<'PY'
import os, sys, random, hashlib
root = sys.argv[1]
random.seed(7)
for i in range(1999):
    folder = ["assets", "assets/img", "fonts", "locales", "."][i % 5]
    os.makedirs(os.path.join(root, folder), exist_ok=True)
    body = os.urandom(random.randint(200, 20000))
    name = f"chunk{i}-{hashlib.sha1(body).hexdigest()[:8]}.js" if folder == "assets" else f"file{i}.bin"
    open(os.path.join(root, folder, name), "wb").write(body)
open(os.path.join(root, "version.txt"), "w").write("1.2.3\n")
PY
echo "files: $(find "$dist" -type f | wc -l)"
aws s3 mb s3://bench-deploy >/dev/null
ours="cd $work/repo && $root/jbang $root/scripts/release.java sync-web --version 1.2.3 --set deploy.bucket=bench-deploy"
cli="aws s3 sync $dist s3://bench-deploy/cli/ --delete"
bash -c "$ours" 2>"$work/first.log" >/dev/null || { cat "$work/first.log" >&2; exit 1; }
grep -o '[0-9]* uploaded.*unchanged' "$work/first.log" | head -1
bash -c "$cli" >/dev/null
bash -c "$ours" 2>"$work/again.log" >/dev/null
again=$(grep -o '[0-9]* uploaded.*unchanged' "$work/again.log" | head -1)
step=$(sed -n 's/^sync-web  *ok  *\([0-9.]*m\{0,1\}s\) .*/\1/p' "$work/again.log" | head -1)
cli_again=$(bash -c "$cli" | grep -c upload || true)
echo "re-sync, ours: $again; aws CLI uploads: $cli_again"
hyperfine --warmup 1 --runs "$runs" --export-json "$work/sync.json" \
  -n 'release sync-web (unchanged, 2,000 files)' "$ours" -n 'aws s3 sync (unchanged, 2,000 files)' "$cli"
python3 - "$work/sync.json" "$again" "$cli_again" "$step" > "$root/bench/results/sync-web.md" <<'PY'
import json, sys
rs = json.load(open(sys.argv[1]))["results"]
print("| command | mean [s] | min [s] | max [s] |\n|---|---:|---:|---:|")
for r in rs:
    print(f"| {r['command']} | {r['mean']:.2f} | {r['min']:.2f} | {r['max']:.2f} |")
print(f"\nratio ours / aws CLI: {rs[0]['mean'] / rs[1]['mean']:.2f} (target <= 0.50)")
print(f"\nre-sync with nothing changed: ours `{sys.argv[2]}`; aws CLI uploads: {sys.argv[3]}")
print(f"\nthe sync itself, inside our process (the step's time in its summary): {sys.argv[4]}")
import os
print(f"\nload average while measuring (2 cores): {os.getloadavg()[0]:.1f}")
PY
cat "$root/bench/results/sync-web.md"
