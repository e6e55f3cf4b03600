#!/usr/bin/env bash
# The long fuzz campaign: runs the fuzz properties of tests/UcSocket.Tests/Fuzz with a large number of inputs each,
# one target after the other, at low priority, inside a private network namespace (unshare -n, loopback up; needs
# root), exactly as the normal test run does with its bounded counts.
#
#   tools/fuzz.sh [cases] [target...]     cases per property (default 1000000); targets: address structs cmsg (default: all)
#   UCSOCKET_FUZZ_SEED=seed,gamma[,size] tools/fuzz.sh 1 cmsg      replays what a failure printed
#
# Writes artifacts/fuzz/<time>/campaign.tsv (property, cases, seconds, inputs a known finding covered, outcome counts)
# and each target's test output beside it, prints the table, and exits non-zero when a property failed.
set -euo pipefail
cd "$(dirname "$0")/.."

cases="${1:-1000000}"
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(address structs cmsg)

declare -A classes=(
    [address]=UcSocket.Tests.Fuzz.AddressFuzzTests
    [structs]=UcSocket.Tests.Fuzz.StructFuzzTests
    [cmsg]=UcSocket.Tests.Fuzz.ControlMessageFuzzTests
)
for t in "${targets[@]}"; do
    [ -n "${classes[$t]:-}" ] || { echo "fuzz: unknown target '$t' (address, structs, cmsg)" >&2; exit 2; }
done
if [ "$(id -u)" -ne 0 ] || ! unshare -n true 2>/dev/null; then
    echo "fuzz: cannot create a network namespace (needs root); refusing to run socket tests outside one" >&2
    exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build tests/UcSocket.Tests -c Release

out="artifacts/fuzz/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
export UCSOCKET_FUZZ_CASES="$cases" UCSOCKET_FUZZ_LOG="$PWD/$out/campaign.tsv"
printf 'property\tcases\tseconds\tknown\toutcomes\n' > "$UCSOCKET_FUZZ_LOG"

status=0
for t in "${targets[@]}"; do
    echo "fuzz: $t, $cases inputs per property" >&2
    start=$(date +%s)
    if ! nice -n 10 unshare -n -- bash -c 'ip link set lo up && exec "$@"' -- \
        dotnet test tests/UcSocket.Tests --no-build -c Release --filter "FullyQualifiedName~${classes[$t]}" \
        > "$out/$t.log" 2>&1; then
        status=1
        echo "fuzz: $t FAILED after $(( $(date +%s) - start )) s; the failing input and its replay seed are in $out/$t.log" >&2
        grep -A12 "Error Message" "$out/$t.log" >&2 || true
    else
        echo "fuzz: $t passed in $(( $(date +%s) - start )) s" >&2
    fi
done

column -t -s $'\t' "$UCSOCKET_FUZZ_LOG" 2>/dev/null || cat "$UCSOCKET_FUZZ_LOG"
echo "fuzz: results in $out" >&2
exit "$status"
