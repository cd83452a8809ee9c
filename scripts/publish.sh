#!/usr/bin/env bash
# Self-contained single-file `livesmlm` for a machine without .NET (e.g. a GPU machine that has only
# CUDA): publish/linux-x64/livesmlm, about 41 MB. Carry publish/ to that machine and run
# `publish/linux-x64/livesmlm bench --engine gpu --json`.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet publish src/LiveSmlm.Cli -c Release -r linux-x64 --self-contained \
  -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true -p:DebugType=none \
  -o publish/linux-x64 -nologo -v quiet
ls -la publish/linux-x64/livesmlm
