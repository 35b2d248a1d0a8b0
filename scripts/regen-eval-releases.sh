#!/usr/bin/env bash
# scripts/regen-eval.sh --releases [WORKDIR] (see there): regeneration on the autotools releases of the
# evaluation set; prints the table of docs/regeneration.md "Other real releases". ONLY=id,id… limits the list.
#
# The toolchains are built into ONE cache shared with scripts/evaluate: ${TOOLCHAIN_CACHE:-<evaluation
# cache>/distdiff} (its toolchains/ directory), so that `scripts/evaluate` regenerates with the same tools.
# TOOLCHAINS_ONLY=1 builds them and prints nothing else (run it before scripts/evaluate).
#
# Every GNU release a stamp of the evaluation set names, looked up in Debian's source packages of
# bullseye, bookworm, trixie and sid (the suites deb.debian.org serves; buster and older are gone from
# it, see docs/regeneration.md "Toolchains"). Debian's orig tarball of these packages is the GNU release
# tarball (same sha256 as the one GNU publishes).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/distdiff-regen-eval}
eval_cache=${DISTDIFF_EVAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/distdiff-eval}
cache=${TOOLCHAIN_CACHE:-$eval_cache/distdiff}
mirror=${MIRROR:-/work/.mirror}
cli=(nice node "$root/dist/cli.js")
mkdir -p "$work"/{dl,out} "$cache"
work=$(realpath "$work")
cache=$(realpath "$cache")

# Debian's copies of the GNU releases, through apt with a private state directory per suite:
# apt_fetch source|binary SUITE PACKAGE FILE (an orig tarball through `apt-get source --download-only`, or a
# binary package through `apt-get download`).
apt_fetch() {
  local kind=$1 suite=$2 pkg=$3 file=$4
  [ -e "$work/dl/$file" ] && return 0
  local d="$work/apt/$suite" line=deb-src verb=(source --download-only)
  [ "$kind" = binary ] && { d="$work/apt/$suite-bin"; line=deb; verb=(download); }
  mkdir -p "$d/lists/partial" "$d/archives/partial"
  printf '%s [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian %s main\n' "$line" "$suite" > "$d/sources.list"
  local o=(-o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$d/lists" -o Dir::Cache::Archives="$d/archives" -o APT::Sandbox::User=root)
  [ -e "$d/.updated" ] || { nice apt-get "${o[@]}" update -qq >/dev/null && touch "$d/.updated"; }
  # The .dsc or the Debian diff may 404 on a partial mirror while the orig tarball downloads.
  (cd "$work/dl" && nice apt-get "${o[@]}" "${verb[@]}" "$pkg" >/dev/null 2>&1 || true)
  [ -e "$work/dl/$file" ] || { echo "regen-eval: could not download $file ($pkg, $suite)" >&2; return 1; }
}
# suite  source package  orig tarball (= the GNU release; the Debian version that carried it in a comment)
TOOLCHAINS=(
  "bullseye autoconf autoconf_2.69.orig.tar.xz"  # 2.69-14
  "bookworm autoconf autoconf_2.71.orig.tar.gz"  # 2.71-3
  "trixie autoconf autoconf_2.72.orig.tar.xz"  # 2.72-3.1
  "bookworm automake-1.16 automake-1.16_1.16.5.orig.tar.xz"  # 1:1.16.5-1.3
  "trixie automake-1.17 automake-1.17_1.17.orig.tar.xz"  # 1:1.17-4
  "bookworm libtool libtool_2.4.7.orig.tar.xz"  # 2.4.7-7~deb12u1
  "trixie libtool libtool_2.5.4.orig.tar.xz"  # 2.5.4-4
)
# SKIP_TOOLCHAINS=1: the cache already holds them (scripts/evaluate's runs); only the table is made.
if [ "${SKIP_TOOLCHAINS:-}" != 1 ]; then
for t in "${TOOLCHAINS[@]}"; do
  read -r suite pkg file <<<"$t"
  v=${file#*_}; v=${v%.orig.tar.*}
  [ -f "$cache/toolchains/${pkg%%-1.*}-$v/distdiff-toolchain.json" ] && continue   # built before: idempotent
  apt_fetch source "$suite" "$pkg" "$file"
  "${cli[@]}" toolchain add "$work/dl/$file" --cache-dir "$cache" >&2
done
# automake 1.16.3 (libtool 2.4.7, m4 1.4.19; standing in for 1.16.1/1.16.2: harfbuzz 6.0.0, gettext 0.21): the
# mirror serves bullseye's automake-1.16 1:1.16.3-2 binary package but 404s its orig tarball, so Debian's build is installed.
if [ ! -f "$cache/toolchains/automake-1.16.3/distdiff-toolchain.json" ]; then
  apt_fetch binary bullseye automake=1:1.16.3-2 'automake_1%3a1.16.3-2_all.deb'
  "${cli[@]}" toolchain add "$work/dl/automake_1%3a1.16.3-2_all.deb" --cache-dir "$cache" >&2
fi
# Debian's autoconf 2.69-14 (bullseye's binary package; its debian/patches applied: --runstatedir, the LARGE_OFF_T and
# AC_FUNC_MMAP fixes …), beside GNU's 2.69 and tried after it: liburcu 0.13.2's and harfbuzz 6.0.0's configure were made
# with it (README "A distribution's autoconf package"). The mirror 404s its source package's debian.tar.xz (and
# autoconf2.69's), so the binary package apt authenticates is installed, as for automake 1.16.3 above.
if ! ls "$cache"/toolchains/autoconf-2.69+deb-*/distdiff-toolchain.json >/dev/null 2>&1; then
  apt_fetch binary bullseye autoconf=2.69-14 'autoconf_2.69-14_all.deb'
  "${cli[@]}" toolchain add "$work/dl/autoconf_2.69-14_all.deb" --cache-dir "$cache" >&2
fi
# autoconf 2.71 with four upstream commits of autoconf's history (all first released in 2.72) applied to lib/: a
# distribution's C99 backport, whose configure logrotate 3.21.0 and wavpack 5.6.0 ship (README "Backported upstream
# commits"). Built from the same orig tarball and the autoconf mirror; idempotent like the others.
AC271_BACKPORTS=b27bc3e2,8b5e2016,bf5a7595,078edd8c
if ! ls "$cache"/toolchains/autoconf-2.71+[0-9a-f]*/distdiff-toolchain.json >/dev/null 2>&1 && [ -d "$mirror/autotools-mirror+autoconf/repo" ]; then
  apt_fetch source bookworm autoconf autoconf_2.71.orig.tar.gz
  "${cli[@]}" toolchain add "$work/dl/autoconf_2.71.orig.tar.gz" --backport "$mirror/autotools-mirror+autoconf/repo:$AC271_BACKPORTS" --cache-dir "$cache" >&2
fi
# Debian's autoconf 2.71-3 (bookworm's binary package), beside GNU's 2.71 and tried after it: its debian/patches series
# applies one patch, fix-cxx-stdcxx-test.diff — upstream's f4608830 (2021-05-14, first released in 2.72), the C++
# standard checks' cache variables named ac_cv_prog_cxx_cxx11/cxx98 —, and libqb 2.0.8's configure was made with it.
if ! ls "$cache"/toolchains/autoconf-2.71+deb-*/distdiff-toolchain.json >/dev/null 2>&1; then
  apt_fetch binary bookworm autoconf=2.71-3 'autoconf_2.71-3_all.deb'
  "${cli[@]}" toolchain add "$work/dl/autoconf_2.71-3_all.deb" --cache-dir "$cache" >&2
fi
fi
[ "${TOOLCHAINS_ONLY:-}" = 1 ] && exit 0

echo "| release | stamped (autoconf, automake, libtool) | tools that ran | outputs tried / reproduced / differ | differing outputs (lines) | flagged inputs of reproduced outputs | seconds (load) |"
echo "|---|---|---|---|---|---|---|"
# id  orig tarball (under the evaluation cache's dl/ID/)  mirror  tag  [submodules NAME=owner+name,… as scripts/evaluate-releases.tsv]
only=${ONLY:+,$ONLY,}
while read -r id file repo tag subs; do
  [ -n "$id" ] && [ "${id#\#}" = "$id" ] || continue
  [ -z "$only" ] || [[ "$only" == *",$id,"* ]] || continue
  t="$eval_cache/dl/$id/$file"
  [ -e "$t" ] || { echo "| $id | | | tarball missing: run scripts/evaluate --fetch-only --only $id | | | |"; continue; }
  g="$mirror/$repo/repo"; [ -d "$g" ] || g="$mirror/$repo"
  out="$work/out/$id.json"
  s=$(date +%s.%N)
  sub=()
  for x in ${subs//,/ }; do
    r="$mirror/${x#*=}/repo"; [ -d "$r" ] || r="$mirror/${x#*=}"
    sub+=(--submodule "${x%%=*}=$r")
  done
  "${cli[@]}" "$t" --repo "$g" --tag "$tag" "${sub[@]}" --cache-dir "$cache" --format json > "$out" 2> "$work/out/$id.err" || true
  secs=$(echo "$(date +%s.%N) - $s" | bc)
  load=$(cut -d' ' -f1 /proc/loadavg)
  node -e '
const fs = require("fs");
const [out, err, id, secs, load] = process.argv.slice(1);
let r;
try { r = JSON.parse(fs.readFileSync(out, "utf8")); } catch { r = {}; }
if (!Array.isArray(r.notes)) { console.log(`| ${id} | | | error (exit 2): ${(r.error && r.error.message) || fs.readFileSync(err, "utf8").trim().split("\n").pop()} | | | |`); process.exit(0); }
const n = r.notes.find((x) => x.code === "REGENERATION");
const v = (n && n.versions) || {};
const stamp = (f) => { const h = r.findings.find((x) => x.path === f); return h; };
const reg = r.findings.filter((f) => f.code === "REGENERATION_MISMATCH");
const repro = r.findings.filter((f) => f.code === "REPRODUCED_WITH_FLAGGED_INPUT" || (f.code === "GENERATED_BY_AUTOTOOLS" && f.evidence.proof && f.evidence.proof.proved));
const flagged = new Map();
for (const f of r.findings) if (f.code === "REPRODUCED_WITH_FLAGGED_INPUT") for (const x of f.evidence.flagged) flagged.set(x.path, `${x.path} ${x.code}`);
// A neighbour automake standing in for the stamped one (src/regenerate/automake-stand-in.ts): named in the tools column.
const sub = r.findings.flatMap((f) => [...((f.evidence.proof && f.evidence.proof.procedureSteps) || []), ...(f.evidence.procedureSteps || [])]).find((p) => p.kind === "automake-substitute");
const tools = n && n.tools ? n.tools.map((t) => (sub && t.startsWith(`automake ${sub.args.used}`) ? `${t} standing in for ${sub.args.stamped}` : t)).join(", ") : "";
const tried = !n ? "none" : n.status === "done" ? `${n.outputs} / ${n.reproduced} / ${n.outputs - n.reproduced}` : `${n.status}: ${n.reason}`;
const diffs = reg.map((f) => `${f.path} (${f.evidence.produced ? f.evidence.differingLines : "not produced"})`).join(", ");
console.log(`| ${id} | ${n && n.stamped ? n.stamped.join(", ") : ""} | ${tools} | ${tried} | ${diffs} | ${[...flagged.values()].join("; ")} | ${Number(secs).toFixed(0)} (${n && n.seconds !== undefined ? `regeneration ${n.seconds}, ` : ""}load ${load}) |`);
' "$out" "$work/out/$id.err" "$id" "$secs" "$load"
done <<'LIST'
xz-5.4.1	xz-utils_5.4.1.orig.tar.xz	tukaani-project+xz	v5.4.1
xz-5.8.1	xz-utils_5.8.1.orig.tar.xz	tukaani-project+xz	v5.8.1
wget-1.21.3	wget_1.21.3.orig.tar.gz	mirror+wget	v1.21.3
gettext-0.23.1	gettext_0.23.1.orig.tar.xz	autotools-mirror+gettext	v0.23.1	gnulib=coreutils+gnulib
less-668	less_668.orig.tar.gz	gwsw+less	v668
less-590	less_590.orig.tar.gz	gwsw+less	v590
fribidi-1.0.16	fribidi_1.0.16.orig.tar.xz	fribidi+fribidi	v1.0.16
coreutils-9.1	coreutils_9.1.orig.tar.xz	coreutils+coreutils	v9.1	gnulib=coreutils+gnulib
bison-3.8.2	bison_3.8.2+dfsg.orig.tar.xz	akimd+bison	v3.8.2	gnulib=coreutils+gnulib,submodules/autoconf=autotools-mirror+autoconf
m4-1.4.19	m4_1.4.19.orig.tar.xz	autotools-mirror+m4	v1.4.19	gnulib=coreutils+gnulib
libtool-2.4.7	libtool_2.4.7.orig.tar.xz	autotools-mirror+libtool	v2.4.7	gnulib=coreutils+gnulib,bootstrap=gnulib-modules+bootstrap
gettext-0.21	gettext_0.21.orig.tar.xz	autotools-mirror+gettext	v0.21	gnulib=coreutils+gnulib
harfbuzz-6.0.0	harfbuzz_6.0.0+dfsg.orig.tar.xz	harfbuzz+harfbuzz	6.0.0
sed-4.9	sed_4.9.orig.tar.xz	mirror+sed	v4.9	gnulib=coreutils+gnulib
coreutils-9.7	coreutils_9.7.orig.tar.xz	coreutils+coreutils	v9.7	gnulib=coreutils+gnulib
libtool-2.5.4	libtool_2.5.4.orig.tar.xz	autotools-mirror+libtool	v2.5.4
LIST
