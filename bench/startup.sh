#!/usr/bin/env bash
# Warm start of each toolkit script against a hello-world JBang script, through the same launcher
# in the same run, and of each script's own JVM alone (the `java ...` line JBang hands the launcher).
#
# Usage: bench/startup.sh [ROUNDS] [RUNS]   (needs hyperfine and python3)
# ROUNDS (default 5) rounds of RUNS (default 4) runs of every command, the commands taking turns
# round by round, so that a machine whose speed drifts slows them all alike. Each command gets its
# median, min and max wall time and its CPU time (user + system), each also as a ratio against the
# hello-world script's in the same run: on a shared, loaded machine the CPU and min ratios are the
# steadier ones. The load average at the start and the end is recorded. The results go to
# bench/results/startup.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
export BENCH_LOAD_START
rounds=${1:-5}
runs=${2:-4}
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is not installed" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/hello.java" <<'JAVA'
///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
class hello {
    public static void main(String... args) {
        System.out.println("Hello World");
    }
}
JAVA
export NO_COLOR=1
# A JBang home of its own: the same state on every machine (the launcher's own cache, with JBang
# and its class-data-sharing archive, and ~/.m2 are the user's).
export JBANG_DIR="$work/jbang-home"
scripts=(changelog remote release ses-test)

# Warm every cache first (compiles each script, records its CDS archive where it has //CDS).
./jbang "$work/hello.java" >/dev/null
for script in "${scripts[@]}"; do
  ./jbang "$script" --help >/dev/null
  ./jbang "$script" --help >/dev/null
done

# The command line JBang hands the launcher to exec, for one script.
jvm_line() {
  ./jbang --verbose "$@" 2>&1 >/dev/null | sed -n 's/^\[jbang\] \[[0-9:]*\] run: //p'
}

names=("hello-world script" "hello-world script, launcher without its CDS archive")
commands=("./jbang $work/hello.java" "env MONET_JBANG_CDS=off ./jbang $work/hello.java")
for script in "${scripts[@]}"; do
  names+=("$script --help")
  commands+=("./jbang $script --help")
done
names+=("hello-world JVM alone")
commands+=("$(jvm_line "$work/hello.java")")
for script in "${scripts[@]}"; do
  names+=("$script --help, its JVM alone")
  commands+=("$(jvm_line "$script" --help)")
done

for ((round = 1; round <= rounds; round++)); do
  arguments=()
  for i in "${!names[@]}"; do
    arguments+=(-n "${names[$i]}" "${commands[$i]}")
  done
  hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/round-$round.json" "${arguments[@]}" >/dev/null
done

mkdir -p bench/results
python3 - "$work" "$rounds" "$runs" >bench/results/startup.md <<'PYTHON'
import glob, json, os, platform, statistics, subprocess, sys
from datetime import datetime, timezone
work, rounds, runs = sys.argv[1], sys.argv[2], sys.argv[3]
times, cpu = {}, {}
for path in sorted(glob.glob(os.path.join(work, "round-*.json"))):
    for result in json.load(open(path))["results"]:
        times.setdefault(result["command"], []).extend(result["times"])
        # hyperfine gives each round's mean user and system time: CPU time, which other work on a
        # shared machine inflates far less than it inflates wall-clock time.
        cpu.setdefault(result["command"], []).append(result["user"] + result["system"])
anchor = statistics.median(times["hello-world script"])
anchor_min = min(times["hello-world script"])
anchor_cpu = statistics.median(cpu["hello-world script"])
java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
with open("/proc/loadavg") as f:
    load_end = f.read().split()[0]
print(f"bench/startup.sh, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC: {os.cpu_count()} cores, {java},"
      f" load average {os.environ.get('BENCH_LOAD_START', '?')} at the start and {load_end} at the end;"
      f" {rounds} rounds x {runs} runs.\n")
print("Wall time: median, min and max of all runs, and the median and the min against the hello-world"
      " script's. CPU: the median over the rounds of user + system time, against the hello-world script's.\n")
print("| command | median | min | max | relative (median) | relative (min) | CPU | relative (CPU) |")
print("|:---|---:|---:|---:|---:|---:|---:|---:|")
for name, values in times.items():
    median, cpu_median = statistics.median(values), statistics.median(cpu[name])
    print(f"| `{name}` | {median * 1000:.0f} ms | {min(values) * 1000:.0f} ms | {max(values) * 1000:.0f} ms"
          f" | {median / anchor:.2f} | {min(values) / anchor_min:.2f} | {cpu_median * 1000:.0f} ms | {cpu_median / anchor_cpu:.2f} |")
PYTHON
cat bench/results/startup.md
