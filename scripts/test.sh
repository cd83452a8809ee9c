#!/usr/bin/env bash
# The one test command (README and .ci/run): installs the independent file readers the tests use
# when missing (Debian's tiffinfo, h5dump, unzip, pngcheck, python3 and PyYAML), then builds and runs every test project.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v tiffinfo >/dev/null 2>&1 || need+=(libtiff-tools)
command -v h5dump >/dev/null 2>&1 || need+=(hdf5-tools)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
command -v pngcheck >/dev/null 2>&1 || need+=(pngcheck)
command -v python3 >/dev/null 2>&1 || need+=(python3)
python3 -c "import yaml" >/dev/null 2>&1 || need+=(python3-yaml)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing independent readers for the tests: ${need[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

dotnet build LiveSmlm.sln -c Release -nologo -v quiet
log=$(mktemp)
status=0
dotnet test LiveSmlm.sln -c Release --no-build -nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?
# One plain closing line over all test projects.
passed=$(awk '/^[[:space:]]*Passed:[[:space:]]+[0-9]+/ {s += $2} END {print s + 0}' "$log")
failed=$(awk '/^[[:space:]]*Failed:[[:space:]]+[0-9]+/ {s += $2} END {print s + 0}' "$log")
skipped=$(awk '/^[[:space:]]*Skipped:[[:space:]]+[0-9]+/ {s += $2} END {print s + 0}' "$log")
rm -f "$log"
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
