#!/usr/bin/env bash
# sync-web beside `aws s3 sync` (aws-cli v1), both against moto, for a frontend of 2,000 files,
# after a first full upload of each:
# - no change: the same files again; both upload nothing (target: ours <= 0.5 of the CLI's time);
# - a fresh build with unchanged content, the realistic case in CI: every file rewritten with the
#   same bytes and a new mtime before each run; the CLI (size and mtime) uploads every file again,
#   ours (size and MD5 against the ETag) must upload none (target: ours <= 0.3 of the CLI's time).
# Whole processes, both warm. Usage: bench/sync-web.sh [RUNS]   (results: bench/results/sync-web.md)
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

# The fresh build: same bytes, new mtimes (what a CI checkout and build give every file).
fresh="find $dist -type f -exec touch {} +"
bash -c "$fresh"
bash -c "$ours" 2>"$work/fresh.log" >/dev/null
fresh_ours=$(grep -o '[0-9]* uploaded.*unchanged' "$work/fresh.log" | head -1)
fresh_step=$(sed -n 's/^sync-web  *ok  *\([0-9.]*m\{0,1\}s\) .*/\1/p' "$work/fresh.log" | head -1)
bash -c "$fresh"
fresh_cli=$(bash -c "$cli" | grep -o 'upload:' | wc -l)
echo "fresh build, ours: $fresh_ours; aws CLI uploads: $fresh_cli"
hyperfine --runs "$runs" --prepare "$fresh" --export-json "$work/fresh.json" \
  -n 'release sync-web (fresh build, same content, 2,000 files)' "$ours" \
  -n 'aws s3 sync (fresh build, same content, 2,000 files)' "$cli"
python3 - "$work/sync.json" "$again" "$cli_again" "$step" "$work/fresh.json" "$fresh_ours" "$fresh_cli" "$fresh_step" \
  > "$root/bench/results/sync-web.md" <<'PY'
import json, os, sys
def table(path, target, title):
    rs = json.load(open(path))["results"]
    print(f"### {title}\n\n| command | mean [s] | min [s] | max [s] |\n|---|---:|---:|---:|")
    for r in rs:
        print(f"| {r['command']} | {r['mean']:.2f} | {r['min']:.2f} | {r['max']:.2f} |")
    ratio = rs[0]['mean'] / rs[1]['mean']
    print(f"\nratio ours / aws CLI: {ratio:.2f} (target <= {target:.2f}: {'met' if ratio <= target else 'not met'})")
table(sys.argv[1], 0.5, "No change (the same files synced again)")
print(f"\nuploads: ours `{sys.argv[2]}`; aws CLI: {sys.argv[3]}")
print(f"\nthe sync itself, inside our process (the step's time in its summary): {sys.argv[4]}\n")
table(sys.argv[5], 0.3, "Fresh build, same content (every file rewritten with a new mtime, as in CI)")
print(f"\nuploads: ours `{sys.argv[6]}`; aws CLI: {sys.argv[7]} (size and mtime: every file is newer)")
print(f"\nthe sync itself, inside our process: {sys.argv[8]}")
print(f"\nload average while measuring (2 cores): {os.getloadavg()[0]:.1f}")
PY
cat "$root/bench/results/sync-web.md"
