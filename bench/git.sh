#!/usr/bin/env bash
# Issue 21's git rows: stoop against git (and kpt) on the same local repositories, generated here.
# One line per row:
#   ROW <name> stoop=<ms> ref=<ms> ratio=<stoop/ref> target=<text> mem=<stoop's peak KB>
# Times are the best of RUNS (default 5) wall-clock runs, each from the same starting state.
#   register-refs     repo register, 1,000 packages x 10 revisions + drafts (11,001 refs),
#                     against git clone --bare --no-local
#   register-history  repo register, 5,000 commits, 3,300 files, 300 tags, against git clone --bare
#   pkg-get           pkg get of one package at a tag of that repository, against kpt pkg get
#   repo-sync         repo sync after 1,500 new commits, against git fetch of the same into a copy
#                     of the same clone
set -euo pipefail
STOOP=${STOOP:-.build/release/stoop}
STOOP=$(cd "$(dirname "$STOOP")" && pwd)/$(basename "$STOOP")
RUNS=${RUNS:-5}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

git init -q --bare -b main "$work/catalog.git"
python3 "$here/genrepo.py" 1000 10 | git -C "$work/catalog.git" fast-import --quiet
git -C "$work/catalog.git" update-ref -d refs/heads/tmp
git -C "$work/catalog.git" pack-refs --all
git init -q --bare -b main "$work/history.git"
python3 "$here/genhistory.py" 5000 | git -C "$work/history.git" fast-import --quiet

ms_now() { date +%s%N; }

# best PREPARE COMMAND...: the best wall time in ms of COMMAND over RUNS runs, each after
# PREPARE (a shell function that restores the starting state, not timed). Sets $best and $mem
# (the peak resident memory of the fastest run, in KB).
best() {
  local prepare=$1
  shift
  best=999999999 mem=0
  local i start end ms
  for ((i = 0; i < RUNS; i++)); do
    "$prepare"
    start=$(ms_now)
    /usr/bin/time -o "$work/time" -f %M "$@" >/dev/null 2>&1
    end=$(ms_now)
    ms=$(((end - start) / 1000000))
    if ((ms < best)); then
      best=$ms
      mem=$(tail -1 "$work/time")
    fi
  done
}

row() {  # row NAME STOOP_MS STOOP_KB REF_MS TARGET
  local ratio
  ratio=$(python3 -c "print(f'{$2/max($4,1):.2f}')")
  echo "ROW $1 stoop=$2 ref=$4 ratio=$ratio target=$5 mem=$3"
}

fresh_home() { rm -rf "$work/home" "$work/ref.git"; }

# register-refs
best fresh_home env STOOP_HOME="$work/home" "$STOOP" repo register "$work/catalog.git" --name catalog
s_ms=$best s_kb=$mem
best fresh_home git clone -q --bare --no-local "$work/catalog.git" "$work/ref.git"
row register-refs "$s_ms" "$s_kb" "$best" "<=1.50"

# register-history
best fresh_home env STOOP_HOME="$work/home" "$STOOP" repo register "$work/history.git" --name history
s_ms=$best s_kb=$mem
best fresh_home git clone -q --bare "$work/history.git" "$work/ref.git"
row register-history "$s_ms" "$s_kb" "$best" "<=1.50"

# pkg-get
no_package() { rm -rf "$work/got" "$work/home" "$work/kpt-cache"; }
if command -v kpt >/dev/null; then
  best no_package env STOOP_HOME="$work/home" "$STOOP" pkg get \
    "file://$work/history.git/pkgs/p3@v2" "$work/got"
  s_ms=$best s_kb=$mem
  best no_package env KPT_CACHE_DIR="$work/kpt-cache" kpt pkg get \
    "file://$work/history.git/pkgs/p3@v2" "$work/got"
  row pkg-get "$s_ms" "$s_kb" "$best" "<1.00"
else
  echo "ROW pkg-get skipped (kpt not installed)"
fi

# repo-sync: the registration and a git clone as they were before the remote moved on.
cp -a "$work/history.git" "$work/remote.git"
rm -rf "$work/home"
STOOP_HOME="$work/home" "$STOOP" repo register "$work/remote.git" --name remote >/dev/null
cp -a "$work/home" "$work/home-before"
git clone -q --bare "$work/remote.git" "$work/ref-before.git"
python3 "$here/genhistory.py" 6500 --from 5000 | git -C "$work/remote.git" fast-import --quiet
before_sync() { rm -rf "$work/home"; cp -a "$work/home-before" "$work/home"; }
before_fetch() { rm -rf "$work/ref.git"; cp -a "$work/ref-before.git" "$work/ref.git"; }
best before_sync env STOOP_HOME="$work/home" "$STOOP" repo sync remote
s_ms=$best s_kb=$mem
best before_fetch git -C "$work/ref.git" fetch -q origin '+refs/heads/*:refs/heads/*' \
  '+refs/tags/*:refs/tags/*'
row repo-sync "$s_ms" "$s_kb" "$best" "<=1.50"
