#!/usr/bin/env bash
# Regeneration cost (issue 12), run by `scripts/bench` (default set, when XZ_REPO is given),
# `scripts/bench --only regen`, or directly:
#   scripts/bench-regen.sh --repo XZ.git [--runs N] [--cache DIR] [--samples FILE] [--cli DIST/cli.js]
# Debian bookworm's xz-utils 5.4.1 orig tarball (fetched through a cache-local apt configuration the first
# time) against the tag v5.4.1 of an xz clone: distdiff with --no-regenerate and with the default
# regeneration (aclocal, autoconf, autoheader, automake, msgfmt for 23 catalogs in the sandbox; system
# autoconf 2.71, automake 1.16.5 and gettext 0.21), alternating, --runs times each. Reported: medians of
# wall time and of CPU time against the goal (≤ 10 s wall with regeneration on 2 cores), the REGENERATION
# note's own seconds, and the load average.
#
# CPU time: every process of the run, the sandboxed generators included, counted by a cgroup made for the
# run (cgroup v1 cpuacct or v2 cpu.stat; needs root). The generators run in bubblewrap's pid namespace,
# whose processes are not waited for by distdiff, so /usr/bin/time's user+sys (also shown) misses them.
# Without a writable cgroup hierarchy the CPU column says so and only /usr/bin/time's figure is given.
# --samples FILE appends "regen-off|regen-on wall rss cpu load" lines for scripts/bench-report.mjs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=3; CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/distdiff-bench; REPO=${XZ_REPO:-}; SAMPLES=""; CLI=$ROOT/dist/cli.js
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --cache) CACHE=$2; shift 2 ;;
    --repo) REPO=$2; shift 2 ;;
    --samples) SAMPLES=$2; shift 2 ;;
    --cli) CLI=$2; shift 2 ;;
    *) echo "bench-regen: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$REPO" ] || { echo "bench-regen: pass --repo XZ.git (or XZ_REPO=…): a clone of https://github.com/tukaani-project/xz" >&2; exit 2; }
[ -f "$CLI" ] || { echo "bench-regen: $CLI not found: run 'npm run build' first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-regen: /usr/bin/time is required: apt-get install time" >&2; exit 2; }
D=$CACHE/regen; mkdir -p "$D/apt/lists/partial" "$D/apt/archives/partial" "$D/dl"
T=$D/dl/xz-utils_5.4.1.orig.tar.xz
if [ ! -e "$T" ]; then
  echo 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main' > "$D/apt/sources.list"
  o=(-o Dir::Etc::SourceList="$D/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$D/apt/lists" -o Dir::Cache::Archives="$D/apt/archives")
  apt-get "${o[@]}" update -qq >/dev/null
  (cd "$D/dl" && apt-get "${o[@]}" source --download-only xz-utils >/dev/null 2>&1 || true)
  [ -e "$T" ] || { echo "bench-regen: could not download $T" >&2; exit 2; }
fi
cli=(node "$CLI" "$T" --repo "$REPO" --tag v5.4.1 --cache-dir "$D/cache" --format json)

# A cgroup per run counts the CPU of every process in it, wherever it was reparented to.
CG=""
if [ -f /sys/fs/cgroup/cgroup.controllers ] && [ -w /sys/fs/cgroup ]; then CG=v2:/sys/fs/cgroup
elif [ -f /sys/fs/cgroup/cpuacct/cpuacct.usage ] && [ -w /sys/fs/cgroup/cpuacct ]; then CG=v1:/sys/fs/cgroup/cpuacct
fi
cg_make() { [ -n "$CG" ] || return 0; local g=${CG#*:}/distdiff-bench-regen-$$; mkdir "$g" 2>/dev/null && echo "$g"; }
cg_cpu() { # GROUP -> CPU seconds, then remove the group (its processes have exited)
  local g=$1 s
  case $CG in
    v1:*) s=$(awk '{ printf "%.2f", $1 / 1e9 }' "$g/cpuacct.usage") ;;
    v2:*) s=$(awk '/^usage_usec/ { printf "%.2f", $2 / 1e6 }' "$g/cpu.stat") ;;
  esac
  for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$g" 2>/dev/null && break; sleep 0.2; done
  echo "$s"
}
"${cli[@]}" --no-regenerate > /dev/null || true   # warm: page cache, upstream database
"${cli[@]}" > /dev/null || true                   # warm: the generators' files
off=(); on=(); offcpu=(); oncpu=(); offt=(); ont=(); note=(); loads=()
load0=$(cut -d' ' -f1-3 /proc/loadavg)
# "wall cpu time_cpu rss": wall seconds, CPU seconds of every process (cgroup; '-' without one), user+sys
# of the waited-for children (/usr/bin/time), peak RSS of node (KB)
timed() {
  local out=$1; shift
  local g; g=$(cg_make || true)
  /usr/bin/time -f '%e %U %S %M' -o "$D/time" sh -c '[ -z "$1" ] || echo $$ > "$1/cgroup.procs"; shift; exec "$@"' sh "$g" "${cli[@]}" "$@" > "$out" || true
  local c=-; [ -n "$g" ] && c=$(cg_cpu "$g")
  tail -n 1 "$D/time" | awk -v c="$c" '{ printf "%s %s %.2f %s", $1, c, $2 + $3, $4 }'
}
sample() { # LABEL WALL RSS CPU
  local l; l=$(cut -d' ' -f1 /proc/loadavg); loads+=("$l")
  [ -z "$SAMPLES" ] || echo "$1 $2 $3 $4 $l" >> "$SAMPLES"
}
for ((i = 1; i <= RUNS; i++)); do
  read -r w c t r <<< "$(timed "$D/off.json" --no-regenerate)"; off+=("$w"); offcpu+=("$c"); offt+=("$t"); sample regen-off "$w" "$r" "$([ "$c" = - ] && echo "$t" || echo "$c")"
  read -r w c t r <<< "$(timed "$D/on.json")"; on+=("$w"); oncpu+=("$c"); ont+=("$t"); sample regen-on "$w" "$r" "$([ "$c" = - ] && echo "$t" || echo "$c")"
  note+=("$(node -e 'const r=require(process.argv[1]);const n=r.notes.find(x=>x.code==="REGENERATION");console.log(n?`${n.reproduced}/${n.outputs}@${n.seconds}`:"none")' "$D/on.json")")
done
median() { printf '%s\n' "$@" | grep -v '^-$' | sort -n | awk '{a[NR]=$1} END {if (!NR) {print "–"; exit} printf "%.1f", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mw=$(median "${on[@]}")
echo "## Regeneration cost: xz-utils 5.4.1 (Debian orig) vs v5.4.1, $RUNS runs, $(nproc) cores"
echo "| run | wall median (s) | CPU median, all processes (s) | CPU median, /usr/bin/time user+sys (s) | all runs: wall (s) |"
echo "|---|---|---|---|---|"
echo "| --no-regenerate | $(median "${off[@]}") | $(median "${offcpu[@]}") | $(median "${offt[@]}") | ${off[*]} |"
echo "| default (regenerate) | $mw | $(median "${oncpu[@]}") | $(median "${ont[@]}") | ${on[*]} |"
echo
verdict=$(awk -v w="$mw" 'BEGIN { print (w + 0 <= 10 ? "met" : "not met") }')
echo "Goal (issue #12): xz 5.4.1 with regeneration ≤ 10 s wall on 2 cores — $verdict in this run (median $mw s)."
added_cpu=$( [ -n "$CG" ] && awk -v a="$(median "${oncpu[@]}")" -v b="$(median "${offcpu[@]}")" 'BEGIN { printf " and %.1f s of CPU", a - b }')
echo "Regeneration adds $(awk -v a="$mw" -v b="$(median "${off[@]}")" 'BEGIN { printf "%.1f", a - b }') s of wall time${added_cpu}."
echo "REGENERATION note (reproduced/outputs@seconds): ${note[*]}; load average $load0 at start, $(cut -d' ' -f1-3 /proc/loadavg) at end, 1-minute load after each run ${loads[*]};"
cpu_how="not measured (no writable cgroup hierarchy: the CPU columns show /usr/bin/time's figure only)"
[ -z "$CG" ] || cpu_how="a cgroup (${CG%%:*}) per run"
echo "CPU of all processes: $cpu_how; distdiff $(git -C "$ROOT" rev-parse --short HEAD)"
