#!/usr/bin/env bash
# rpkg get on a Porch-shaped repository of 1,000 packages x 10 published revisions plus a draft
# each (12,000 revisions), read offline from the registered clone after one warm-up listing.
# Prints one ROW line per case: best of 5 wall times, the reference time, their ratio, the target
# and the peak memory of one run.
#   get-table  rpkg get (porchctl's table); ref: git for-each-ref on the same clone
#   get-json   rpkg get -o json;            ref: the table's time
#   get-yaml   rpkg get -o yaml;            ref: the table's time
set -euo pipefail
STOOP=${STOOP:-.build/release/stoop}
STOOP=$(cd "$(dirname "$STOOP")" && pwd)/$(basename "$STOOP")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export STOOP_HOME="$work/home" GIT_CONFIG_GLOBAL=/dev/null

git init -q --bare -b main "$work/catalog.git"
python3 "$here/genrepo.py" 1000 10 | git -C "$work/catalog.git" fast-import --quiet
git -C "$work/catalog.git" update-ref -d refs/heads/tmp 2>/dev/null || true
git -C "$work/catalog.git" pack-refs --all
"$STOOP" repo register "$work/catalog.git" --name catalog >/dev/null
clone="$STOOP_HOME/repositories/default/catalog/clone.git"
# Warm-up: the first listings fill the clone's caches (tags, Kptfiles) and the page cache.
"$STOOP" rpkg get --offline -o yaml >/dev/null
"$STOOP" rpkg get --offline >/dev/null

best() {  # best wall time in ms of "$@" (stdout discarded) over 5 runs
  local best=999999 start end ms
  for _ in 1 2 3 4 5; do
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    ms=$(((end - start) / 1000000))
    ((ms < best)) && best=$ms
  done
  echo "$best"
}

peak() {  # peak resident memory in KB of one run of "$@"
  /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1
}

ratio() { python3 -c "print(f'{$1/max($2,1):.2f}')"; }

ref=$(best git -C "$clone" for-each-ref)
table=$(best "$STOOP" rpkg get --offline)
echo "ROW get-table stoop=$table ref=$ref ratio=$(ratio "$table" "$ref") target=<=300 ms mem=$(peak "$STOOP" rpkg get --offline)"
for format in json yaml; do
  ms=$(best "$STOOP" rpkg get --offline -o "$format")
  echo "ROW get-$format stoop=$ms ref=$table ratio=$(ratio "$ms" "$table") target=<=2x, <150 MB mem=$(peak "$STOOP" rpkg get --offline -o "$format")"
done
