#!/bin/sh
# Rebuild the committed sample CSVs from the generator. The set is exactly
# `collab gen --scale sample` (default seed); tests/cli/gen.sh fails when the
# committed files and the generator disagree, so run this after changing
# src/gen/ and commit the result.
#
# usage: sample-data/regenerate.sh [PATH-TO-COLLAB]   (default: $COLLAB, then
#        collab on PATH)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
collab=${1:-${COLLAB:-collab}}
"$collab" gen --scale sample --out "$here"
