#!/usr/bin/env bash
# Restores and builds everything, then runs every test inside a private network namespace
# (unshare -n, loopback up), so that no socket a test opens can reach a real network.
# Prints one closing line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet restore UcSocket.Gen.sln
dotnet build UcSocket.Gen.sln --no-restore -c Release
# The native ucsock (no sockets opened; needs the package feed on a fresh machine, so it runs before the namespace).
tools/publish-aot.sh

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
    runner=(unshare -n -- bash -c 'ip link set lo up && exec "$@"' --)
else
    echo "run-tests: cannot create a network namespace (needs root); refusing to run socket tests outside one" >&2
    exit 2
fi

set +e
"${runner[@]}" dotnet test UcSocket.Gen.sln --no-build -c Release \
    --logger "trx" --results-directory "$results" "$@" 2>&1 | tee "$results/console.log"
status=${PIPESTATUS[0]}
set -e

python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find(".//{*}ResultSummary/{*}Counters")
    if c is None:
        continue
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    # The counters leave skipped tests out (notExecuted stays 0): count the results marked NotExecuted.
    skipped += sum(1 for r in ET.parse(f).getroot().iter("{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}UnitTestResult")
                   if r.get("outcome") == "NotExecuted")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit "$status"
