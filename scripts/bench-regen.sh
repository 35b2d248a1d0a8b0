#!/usr/bin/env bash
# Regeneration cost (issue 12), run by `scripts/bench --only regen` or directly:
#   scripts/bench-regen.sh --repo XZ.git [--runs N] [--cache DIR]
# Debian bookworm's xz-utils 5.4.1 orig tarball (fetched through a cache-local apt configuration the first
# time) against the tag v5.4.1 of an xz clone: wall time of distdiff with --no-regenerate and with the
# default regeneration (aclocal, autoconf, autoheader, automake x2 in the sandbox, system autoconf 2.71 and
# automake 1.16.5), alternating, --runs times each; medians of wall and CPU (user+sys, children included),
# the REGENERATION note's own seconds, and the load (on a shared machine CPU time is the steadier figure).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=3; CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/distdiff-bench; REPO=${XZ_REPO:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --cache) CACHE=$2; shift 2 ;;
    --repo) REPO=$2; shift 2 ;;
    *) echo "bench-regen: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$REPO" ] || { echo "bench-regen: pass --repo XZ.git (or XZ_REPO=…): a clone of https://github.com/tukaani-project/xz" >&2; exit 2; }
D=$CACHE/regen; mkdir -p "$D/apt/lists/partial" "$D/apt/archives/partial" "$D/dl"
T=$D/dl/xz-utils_5.4.1.orig.tar.xz
if [ ! -e "$T" ]; then
  echo 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main' > "$D/apt/sources.list"
  o=(-o Dir::Etc::SourceList="$D/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$D/apt/lists" -o Dir::Cache::Archives="$D/apt/archives")
  apt-get "${o[@]}" update -qq >/dev/null
  (cd "$D/dl" && apt-get "${o[@]}" source --download-only xz-utils >/dev/null 2>&1 || true)
  [ -e "$T" ] || { echo "bench-regen: could not download $T" >&2; exit 2; }
fi
cli=(node "$ROOT/dist/cli.js" "$T" --repo "$REPO" --tag v5.4.1 --cache-dir "$D/cache" --format json)
"${cli[@]}" --no-regenerate > /dev/null || true   # warm: page cache, upstream database
off=(); on=(); offcpu=(); oncpu=(); note=()
load0=$(cut -d' ' -f1-3 /proc/loadavg)
# wall seconds and CPU seconds (user + sys, children included: the decoder, git, bwrap and the generators)
timed() {
  local out=$1; shift
  /usr/bin/time -f '%e %U %S' -o "$D/time" "${cli[@]}" "$@" > "$out" || true
  tail -n 1 "$D/time" | awk '{ printf "%s %.2f", $1, $2 + $3 }'
}
for ((i = 1; i <= RUNS; i++)); do
  read -r w c <<< "$(timed "$D/off.json" --no-regenerate)"; off+=("$w"); offcpu+=("$c")
  read -r w c <<< "$(timed "$D/on.json")"; on+=("$w"); oncpu+=("$c")
  note+=("$(node -e 'const r=require(process.argv[1]);const n=r.notes.find(x=>x.code==="REGENERATION");console.log(n?`${n.reproduced}/${n.outputs}@${n.seconds}`:"none")' "$D/on.json")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "## Regeneration cost: xz-utils 5.4.1 (Debian orig) vs v5.4.1, $RUNS runs, $(nproc) cores"
echo "| run | wall median (s) | CPU median, user+sys (s) | all runs: wall (s) |"
echo "|---|---|---|---|"
echo "| --no-regenerate | $(median "${off[@]}") | $(median "${offcpu[@]}") | ${off[*]} |"
echo "| default (regenerate) | $(median "${on[@]}") | $(median "${oncpu[@]}") | ${on[*]} |"
echo
echo "REGENERATION note (reproduced/outputs@seconds): ${note[*]}; load $load0 at start, $(cut -d' ' -f1-3 /proc/loadavg) at end; distdiff $(git -C "$ROOT" rev-parse --short HEAD)"
