#!/usr/bin/env bash
# Runs the whole performance comparison in bounded time (about 5 minutes on 2 cores) and prints one table:
# UcSocket, System.Net.Sockets, raw Tmds.LibC P/Invoke and C, side by side, with ratios and allocations.
#
#   benchmarks/run.sh                  # print the table
#   benchmarks/run.sh --update-readme  # and write it, with the machine it ran on, into benchmarks/README.md
#   benchmarks/run.sh --quick          # smoke run: every benchmark once, numbers meaningless
#
# Builds Release, compiles benchmarks/native/bench.c with cc -O2, then runs both inside a private network
# namespace (unshare -n, loopback up), so the UDP and TCP workloads stay on this machine. Needs root.
# Never run by the tests or CI.
set -euo pipefail
cd "$(dirname "$0")/.."

update_readme=0
bdn_args=()
for arg in "$@"; do
    case "$arg" in
        --update-readme) update_readme=1 ;;
        *) bdn_args+=("$arg") ;;
    esac
done

if [ "$(id -u)" -ne 0 ] || ! unshare -n true 2>/dev/null; then
    echo "run.sh: needs root to create a private network namespace (unshare -n); refusing to run outside one" >&2
    exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build benchmarks/UcSocket.Benchmarks -c Release -v quiet -nologo
cc -O2 -Wall -Wextra -o "$work/bench" benchmarks/native/bench.c

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
started=$(date +%s)
# BenchmarkDotNet writes its artifacts under the current directory: keep them out of the tree.
( cd "$work" && timeout 540 unshare -n -- bash -c '
    ip link set lo up
    "$1/bench" > "$1/c.tsv"
    shift
    exec dotnet "$@"
' -- "$work" "$OLDPWD/benchmarks/UcSocket.Benchmarks/bin/Release/net10.0/UcSocket.Benchmarks.dll" \
    --c-results "$work/c.tsv" --out "$work/table.md" "${bdn_args[@]}" > "$work/log.txt" 2>&1 ) || {
    tail -40 "$work/log.txt" >&2
    echo "run.sh: the benchmark run failed (full log above)" >&2
    exit 1
}
elapsed=$(( $(date +%s) - started ))
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

machine="$(cat <<INFO
- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); run time ${elapsed} s
- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores (shared with other builds)
- Load average (1, 5, 15 min): ${load_before} before, ${load_after} after
- Kernel: $(uname -r); .NET SDK $(dotnet --version); $(cc --version | head -1)
INFO
)"

echo
echo "$machine"
echo
cat "$work/table.md"

if [ "$update_readme" -eq 1 ]; then
    python3 - "$work/table.md" "benchmarks/README.md" "$machine" <<'PY'
import sys
table, readme, machine = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
text = open(readme).read()
start, end = "<!-- results:start -->", "<!-- results:end -->"
a, b = text.index(start) + len(start), text.index(end)
open(readme, "w").write(text[:a] + "\n" + machine + "\n\n" + table.rstrip() + "\n" + text[b:])
PY
    echo "run.sh: benchmarks/README.md updated"
fi
