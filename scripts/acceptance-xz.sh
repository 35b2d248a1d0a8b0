#!/usr/bin/env bash
# Acceptance check on a real autotools release (issues 2 and 3), run by hand — it needs the network
# for Debian's source package and a clone of the xz repository:
#   1. distdiff's tarball-only / git-only / changed sets equal tar -x + git archive + diff -rq;
#   2. the clean release has no finding above low and at most 3 unexplained items;
#   3. a recreation of the 2024 case (the sample's inert serial-30 build-to-host.m4 added to m4/ and its
#      expansion added to configure, repacked) is critical on the m4 file, and configure is flagged.
# Usage: scripts/acceptance-xz.sh <xz-utils_5.4.1.orig.tar.xz> <xz.git> [tag=v5.4.1]
#   The tarball: `apt-get source --download-only xz-utils` with deb-src lines for bookworm
#   (scripts/bench shows a cache-local apt configuration that leaves the system's sources alone).
set -euo pipefail
tarball=$(realpath "$1"); repo=$2; tag=${3:-v5.4.1}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cli=("node" "$root/dist/cli.js")

echo "== 1. path sets against tar -x + git archive + diff -rq"
"$root/scripts/crosscheck.sh" "$tarball" "$repo" "$tag"

echo "== 2. clean release"
"${cli[@]}" "$tarball" --repo "$repo" --tag "$tag" --cache-dir "$work/cache" --format json > "$work/clean.json" || true
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const above = r.findings.filter((f) => ["critical","high","medium"].includes(f.severity));
console.log(`verdict ${r.verdict}; by severity ${JSON.stringify(r.counts.bySeverity)}; unexplained ${r.counts.unexplained}`);
for (const f of r.findings) if (!f.allowed && !["info"].includes(f.severity) && !["GENERATED_DOCS","UPSTREAM_COPY_VARIANT","UPSTREAM_COPY"].includes(f.code)) console.log(`  ${f.severity} ${f.code} ${f.path}`);
if (above.length > 0 || r.counts.unexplained > 3) { console.error("FAIL: clean release has findings above low or more than 3 unexplained"); process.exit(1); }
' "$work/clean.json"

echo "== 3. recreation of the 2024 case"
mkdir -p "$work/x"
tar -xf "$tarball" -C "$work/x"
top=$(ls "$work/x")
tar -xzf "$root/samples/xzlike/hello-1.0.tar.gz" -C "$work" hello-1.0/m4/build-to-host.m4
cp "$work/hello-1.0/m4/build-to-host.m4" "$work/x/$top/m4/build-to-host.m4"
cat >> "$work/x/$top/configure" <<'CFG'
gl_am_configmake=`grep -aErls "#{4}[[:alnum:]]{5}#{4}$" $srcdir/ 2>/dev/null`
gl_path_map='tr "\t \-_" " \t_\-"'
gl_localedir_config='sed "r\n" $gl_am_configmake | eval $gl_path_map | xz -d 2>/dev/null'
CFG
name=$(basename "$tarball")
tar -C "$work/x" -cJf "$work/$name" "$top"
"${cli[@]}" "$work/$name" --repo "$repo" --tag "$tag" --cache-dir "$work/cache" > "$work/bad.txt" && { echo "FAIL: exit 0 on the recreation"; exit 1; } || code=$?
[ "$code" = 1 ] || { echo "FAIL: exit $code"; cat "$work/bad.txt"; exit 1; }
sed -n '1,/^Expected or minor/p' "$work/bad.txt"
"${cli[@]}" "$work/$name" --repo "$repo" --tag "$tag" --cache-dir "$work/cache" --format json > "$work/bad.json" || true
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const m4 = r.findings.find((f) => f.path === "m4/build-to-host.m4");
const cfg = r.findings.find((f) => f.path === "configure");
if (!m4 || m4.severity !== "critical") { console.error("FAIL: m4/build-to-host.m4 is not critical", m4); process.exit(1); }
if (!cfg || cfg.code !== "CARRIES_SUSPICIOUS_EXPANSION") { console.error("FAIL: configure not flagged", cfg); process.exit(1); }
console.log(`OK: ${m4.code} ${m4.severity}; configure ${cfg.code} ${cfg.severity}`);
' "$work/bad.json"
