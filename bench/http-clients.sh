#!/usr/bin/env bash
# What the AWS SDK's unused HTTP clients (Netty, Apache) cost on the class path. Every SDK
# service module brings them as runtime dependencies, and JBang has no exclusions
# (jbangdev/jbang#150), so `remote` and `release` carry them although Aws.client always builds the
# URL-connection client. This times, in one run and taking turns, the same JVM with its full class
# path and with those jars removed: `remote --help` (the script's own JVM, as JBang runs it) and a
# program that builds the SSM, EC2 and S3 clients the way Aws.client does.
#
# Usage: bench/http-clients.sh [RUNS]   (needs hyperfine and python3). Results: bench/results/http-clients.md
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NO_COLOR=1
./jbang remote --help >/dev/null
line=$(./jbang --verbose remote --help 2>&1 >/dev/null | sed -n 's/^\[jbang\] \[[0-9:]*\] run: //p')
full=$(sed -n 's/.* -classpath \([^ ]*\) .*/\1/p' <<<"$line")
pruned=$(tr ':' '\n' <<<"$full" | grep -vE '/netty|apache5-client|httpclient5|httpcore5' | paste -sd:)
pruned_line=${line/"$full"/"$pruned"}

cat >"$work/Probe.java" <<'JAVA'
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

public class Probe {
    public static void main(String[] args) {
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"));
        try (SsmClient ssm = SsmClient.builder().region(Region.US_EAST_1).credentialsProvider(creds)
                     .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
             Ec2Client ec2 = Ec2Client.builder().region(Region.US_EAST_1).credentialsProvider(creds)
                     .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
             S3Client s3 = S3Client.builder().region(Region.US_EAST_1).credentialsProvider(creds)
                     .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            System.out.println(ssm.serviceName() + ec2.serviceName() + s3.serviceName());
        }
    }
}
JAVA
javac -cp "$full" -d "$work/classes" "$work/Probe.java"
probe="java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp $work/classes"
# Without Netty and Apache the clients must still build: the comparison is only fair if it runs.
java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$work/classes:$pruned" Probe >/dev/null

load_start=$(cut -d' ' -f1 /proc/loadavg)
hyperfine -N --style basic --warmup 2 --runs "$runs" --export-json "$work/result.json" \
  -n "remote --help, its JVM, full class path" "$line" \
  -n "remote --help, its JVM, without Netty and Apache" "$pruned_line" \
  -n "three SDK clients built, full class path" "$probe:$full Probe" \
  -n "three SDK clients built, without Netty and Apache" "$probe:$pruned Probe" >/dev/null

mkdir -p bench/results
python3 - "$work/result.json" "$load_start" "$(tr ':' '\n' <<<"$full" | wc -l)" "$(tr ':' '\n' <<<"$pruned" | wc -l)" \
  >bench/results/http-clients.md <<'PYTHON'
import json, os, sys
from datetime import datetime, timezone
results = json.load(open(sys.argv[1]))["results"]
with open("/proc/loadavg") as f:
    load_end = f.read().split()[0]
print(f"bench/http-clients.sh, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC: {os.cpu_count()} cores, load average"
      f" {sys.argv[2]} at the start and {load_end} at the end; class path of {sys.argv[3]} entries, {sys.argv[4]}"
      f" without Netty and Apache. CPU = user + system time, mean of the runs.\n")
print("| command | median | CPU | CPU against the full class path |")
print("|:---|---:|---:|---:|")
for i, r in enumerate(results):
    base = results[i - i % 2]
    cpu, base_cpu = r["user"] + r["system"], base["user"] + base["system"]
    print(f"| `{r['command']}` | {r['median'] * 1000:.0f} ms | {cpu * 1000:.0f} ms | {cpu / base_cpu:.2f} |")
PYTHON
cat bench/results/http-clients.md
