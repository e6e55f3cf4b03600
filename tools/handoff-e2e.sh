#!/usr/bin/env bash
# Runs the handoff sample's end-to-end test (HandoffSampleTests: streaming clients through three handovers) N times
# in a row, default 20, each run in a private network namespace of its own (unshare -n, loopback up; needs root).
# Builds the test project, and with it the sample, once; stops at the first failure and prints that run's output.
# Usage: tools/handoff-e2e.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${1:-20}"
case "$rounds" in ''|*[!0-9]*|0) echo "usage: tools/handoff-e2e.sh [N]   (N: a positive number of runs, default 20)" >&2; exit 2 ;; esac
if [ "$(id -u)" -ne 0 ] || ! unshare -n true 2>/dev/null; then
    echo "handoff-e2e: cannot create a network namespace (needs root); refusing to run socket tests outside one" >&2
    exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build tests/UcSocket.Tests -c Release

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
passed=0
for round in $(seq 1 "$rounds"); do
    started=$SECONDS
    if unshare -n -- bash -c 'ip link set lo up && exec dotnet test tests/UcSocket.Tests --no-build -c Release \
            --filter "FullyQualifiedName~UcSocket.Tests.Handoff.HandoffSampleTests"' >"$log" 2>&1 \
        && grep -Eq 'Passed:[[:space:]]+1,' "$log"; then
        passed=$((passed + 1))
        echo "run $round: passed ($((SECONDS - started)) s)"
    else
        cat "$log"
        echo "run $round: FAILED"
        echo "$passed of $rounds runs passed before the failure"
        exit 1
    fi
done
echo "$passed of $rounds runs passed"
