#!/usr/bin/env bash
# The main job on the simulated rig: simulate a dSTORM acquisition, localize it, evaluate it against
# the simulator's ground truth. Needs only the .NET 10 SDK. Output in out/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
frames="${FRAMES:-2000}"
dotnet build src/LiveSmlm.Cli -c Release -nologo -v quiet
cli=src/LiveSmlm.Cli/bin/Release/net10.0/livesmlm
"$cli" simulate --profile hardware-profiles/simulated-storm.json --frames "$frames" --out out/demo/sim --seed 7
"$cli" analyze out/demo/sim/raw.ome.tif --profile out/demo/sim/profile.json --out out/demo/analysis
"$cli" evaluate --locs out/demo/analysis/locs.csv --truth out/demo/sim/ground-truth.csv | tee out/demo/evaluation.json
echo "Super-resolution image: out/demo/analysis/render.png; localizations: out/demo/analysis/locs.csv, locs.hdf5"
