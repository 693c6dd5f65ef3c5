#!/usr/bin/env bash
# Benchmark: `remote shell` end to end against the SSM test endpoint, for a command that ends
# after a known delay. Measures (1) the time from the command's end on the "instance" to our
# process's exit, (2) whole-process time against a boto3 script that polls once a second (the
# seed's way). Needs: mvn, hyperfine, python3 with boto3. Numbers go in README.md (## remote).
#   bench/remote-shell.sh [DELAY_SECONDS=1] [RUNS=10]
set -euo pipefail
cd "$(dirname "$0")/.."
delay=${1:-1}
runs=${2:-10}
work=$(mktemp -d)
trap 'kill "$endpoint_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

mvn -B -q test-compile >/dev/null
cp=target/test-classes:target/classes:$(mvn -B -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
java -cp "$cp" monet.testing.SsmEndpoint "$work/host" "$work/url" >"$work/endpoint.log" 2>&1 &
endpoint_pid=$!
for _ in $(seq 100); do [[ -s $work/url ]] && break; sleep 0.1; done
export AWS_ENDPOINT_URL_SSM=$(cat "$work/url") AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \
  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true \
  MONET_CONSOLE=plain NO_COLOR=1
instance=i-0123456789abcdef0
# A fresh JBang cache: the first run builds the script and, with //CDS, records the class-data
# archive from what that run loaded (a real command, so the AWS SDK's classes are in it).
export JBANG_DIR=$work/jbang
./jbang remote shell --instance "$instance" true >/dev/null 2>&1

# (1) command end -> our exit: the script stamps its own end; we stamp our exit.
latencies=()
for _ in $(seq "$runs"); do
  ./jbang remote shell --instance "$instance" "sleep $delay; date +%s%N > \$MONET_SANDBOX/ended" >/dev/null
  exited=$(date +%s%N)
  latencies+=($(( (exited - $(cat "$work/host/ended")) / 1000000 )))
done
sorted=$(printf '%s\n' "${latencies[@]}" | sort -n)
echo "command end -> exit (ms), $runs runs: median $(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p"), min $(echo "$sorted" | head -1), max $(echo "$sorted" | tail -1)"

# (2) whole process, ours vs boto3 polling once a second; and the script's own JVM alone (the
# java command JBang execs), to show what the launcher costs.
classpath=$(./jbang info classpath scripts/remote.java)
jsa=$(dirname "$(./jbang info jar scripts/remote.java)")/remote.jsa
direct="java -XX:SharedArchiveFile=$jsa -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp $classpath monet.scripts.remote"
hyperfine --warmup 1 --runs "$runs" --export-markdown "$work/hyperfine.md" \
  -n "./jbang remote shell (sleep $delay)" "./jbang remote shell --instance $instance 'sleep $delay'" \
  -n "script JVM alone (sleep $delay)" "$direct shell --instance $instance 'sleep $delay'" \
  -n "boto3, 1 s polls (sleep $delay)" "python3 bench/remote-poll-boto3.py $instance 'sleep $delay'"
cat "$work/hyperfine.md"
