#!/usr/bin/env bash
# The handoff campaign: runs the handoff end-to-end tests (tests/UcSocket.Tests/Reliability/HandoffTests.cs: a TCP
# connection and a listening socket handed to a child process with SCM_RIGHTS) many times in a row, each run a
# fresh test process, inside a private network namespace (unshare -n, loopback up). Stops at the first failing run.
#
#   tools/handoff-campaign.sh          # 100 runs (about 10 minutes on 2 cores)
#   tools/handoff-campaign.sh 20       # 20 runs
#
# Ends with "handoff campaign: N of N runs passed". Needs root (for the namespace), like tools/run-tests.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-100}"
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [number of runs, default 100]" >&2
    exit 2
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet build tests/UcSocket.Tests -c Release

if [ "$(id -u)" -ne 0 ] || ! unshare -n true 2>/dev/null; then
    echo "handoff-campaign: cannot create a network namespace (needs root); refusing to run socket tests outside one" >&2
    exit 2
fi

exec unshare -n -- bash -c '
    set -uo pipefail
    ip link set lo up
    runs=$1
    for ((i = 1; i <= runs; i++)); do
        output=$(dotnet test tests/UcSocket.Tests --no-build -c Release \
            --filter "FullyQualifiedName~UcSocket.Tests.Reliability.HandoffTests" 2>&1)
        status=$?
        # Both tests must have run and passed; a filter that matches nothing would pass silently.
        if [ $status -ne 0 ] || ! grep -Eq "Passed:[[:space:]]+2," <<<"$output"; then
            printf "%s\n" "$output"
            echo "handoff campaign: run $i of $runs failed; $((i - 1)) of $runs runs passed"
            exit 1
        fi
        echo "run $i: passed"
    done
    echo "handoff campaign: $runs of $runs runs passed"
' -- "$runs"
