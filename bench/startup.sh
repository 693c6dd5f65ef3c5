#!/usr/bin/env bash
# Warm start of a toolkit script against a hello-world JBang script on the same machine.
# Usage: bench/startup.sh [RUNS]   (needs hyperfine; results go to bench/results/startup.md)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 1; }
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
mkdir -p bench/results
# Warm both caches first: the numbers are about warm starts.
./jbang "$work/hello.java" >/dev/null
./jbang changelog --help >/dev/null
./jbang --cds changelog --help >/dev/null 2>&1 || true
hyperfine --warmup 3 --runs "$runs" --export-markdown bench/results/startup.md \
  -n 'hello-world script' "./jbang $work/hello.java" \
  -n 'changelog --help' './jbang changelog --help' \
  -n 'changelog --help (--cds)' './jbang --cds changelog --help'
