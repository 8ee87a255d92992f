#!/usr/bin/env bash
# The README's main job: a tour of what stoop does today, on a package it copies to a scratch dir.
set -euo pipefail
STOOP=${STOOP:-stoop}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/blueprint" "$work/blueprint"

echo "== stoop fn source: the package as a ResourceList"
"$STOOP" fn source "$work/blueprint" | head -n 30
echo "..."

echo
echo "== stoop fn source | stoop fn sink: every file comes back byte for byte"
"$STOOP" fn source "$work/blueprint" | "$STOOP" fn sink "$work/copy"
diff -r "$work/blueprint" "$work/copy"
echo "identical: $(cd "$work/copy" && find . -type f | sort | tr '\n' ' ')"

echo
echo "== bad input gets one line and an exit code"
set +e
"$STOOP" fn source "$work/missing"; echo "exit code $?"
"$STOOP" fn source "$work/blueprint" | "$STOOP" fn sink "$work/copy"; echo "exit code $?"
set -e
