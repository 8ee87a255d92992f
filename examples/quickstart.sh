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

echo
echo "== stoop repo: register a git repository (a bare one made here), list it, sync it"
export STOOP_HOME="$work/stoop-home"
git init -q --bare -b main "$work/blueprints.git"
"$STOOP" repo register "$work/blueprints.git" --create-branch --description "demo blueprints"
git -C "$work/blueprints.git" log --format='   main: %h %s (%an <%ae>)' main
"$STOOP" repo get
git -C "$work/blueprints.git" tag nginx/v1 main
"$STOOP" repo sync blueprints
"$STOOP" repo get blueprints -o yaml | sed -n '1,16p'
"$STOOP" repo unregister blueprints
echo "unregistered; left in $STOOP_HOME: $(find "$STOOP_HOME" -type f | wc -l) files"
