#!/usr/bin/env bash
# Publishes ucsock as a native (AOT-compiled) executable and checks that it runs.
# Trim and AOT analysis warnings are errors, so the publish fails on any of them.
# Output: artifacts/ucsock-aot/ucsock. Needs a C toolchain (cc, as on any machine that runs the tests) and the
# ILCompiler package from the NuGet feed; it opens no sockets. Builds in artifacts/aot-build, apart from the
# regular build's bin/ and obj/ folders.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

rid="linux-$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')"
out=artifacts/ucsock-aot
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

set +e
dotnet publish tools/UcSocket.Cli/UcSocket.Cli.csproj -c Release -r "$rid" \
    --artifacts-path artifacts/aot-build -o "$out" \
    -p:UcsockAot=true -p:TreatWarningsAsErrors=true -p:IlcTreatWarningsAsErrors=true \
    -p:TrimmerSingleWarn=false -p:SuppressTrimAnalysisWarnings=false 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

warnings=$(grep -Ec 'warning (IL[0-9]+|CS[0-9]+|NETSDK[0-9]+)' "$log" || true)
if [ "$status" -ne 0 ] || [ "$warnings" -ne 0 ]; then
    echo "publish-aot: native AOT publish failed (exit $status, $warnings warnings)" >&2
    exit 1
fi

"$out/ucsock" --version
echo "publish-aot: $out/ucsock ($(du -h "$out/ucsock" | cut -f1)), 0 trim/AOT warnings"
