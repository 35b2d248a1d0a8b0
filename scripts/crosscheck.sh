#!/usr/bin/env bash
# Cross-checks distdiff against the manual method on a real release:
#   tar -x <tarball>  +  git archive <tag> | tar -x  +  diff -rq
# and asserts that the tarball-only, git-only and changed path sets are equal, path for path.
# Usage: scripts/crosscheck.sh <tarball> <git-dir> <tag>     (run `npm run build` first)
# Example (the issue's acceptance check; Debian's orig tarball of xz-utils 5.4.1):
#   apt-get source --download-only xz-utils=5.4.1-1+deb12u2   # needs deb-src lines
#   scripts/crosscheck.sh xz-utils_5.4.1.orig.tar.xz path/to/xz.git v5.4.1
set -euo pipefail
tarball=$(realpath "$1"); repo=$2; tag=$3
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tar" "$work/git" "$work/cache"
tar -xf "$tarball" -C "$work/tar"
top=$(ls "$work/tar"); [ "$(echo "$top" | wc -l)" = 1 ] && [ -d "$work/tar/$top" ] && tdir=$work/tar/$top || tdir=$work/tar
git -C "$repo" archive --format=tar "$tag" | tar -xf - -C "$work/git"
# diff -rq: "Only in X: name" and "Files A and B differ"; symlinks compared as links.
(cd "$work" && diff -rq --no-dereference "${tdir#$work/}" git || true) > "$work/diff.txt"
tp=${tdir#$work/}
sed -n "s|^Only in $tp/\?\(.*\): \(.*\)$|\1/\2|p" "$work/diff.txt" | sed 's|^/||' > "$work/only-tar-raw"
sed -n "s|^Only in git/\?\(.*\): \(.*\)$|\1/\2|p" "$work/diff.txt" | sed 's|^/||' > "$work/only-git-raw"
sed -n "s|^Files $tp/\(.*\) and git/.* differ$|\1|p; s|^File $tp/\(.*\) is a .* while file git/.* is a .*$|\1|p; s|^Symbolic links $tp/\(.*\) and git/.* differ$|\1|p" "$work/diff.txt" | sort > "$work/changed-manual"
# diff reports a directory present on one side once; expand to its files.
expand() { while read -r p; do if [ -d "$1/$p" ] && [ ! -L "$1/$p" ]; then (cd "$1" && find "$p" ! -type d); else echo "$p"; fi; done; }
expand "$tdir" < "$work/only-tar-raw" | sort > "$work/only-tar-manual"
expand "$work/git" < "$work/only-git-raw" | sort > "$work/only-git-manual"

node "$root/dist/cli.js" "$tarball" --repo "$repo" --tag "$tag" --format json --cache-dir "$work/cache" --fail-on critical > "$work/r.json" || true
(cd "$tdir" && find . ! -type d | sed 's|^\./||' | sort) > "$work/tarfiles"
(cd "$work/git" && find . ! -type d | sed 's|^\./||' | sort) > "$work/gitfiles"
node -e '
const fs = require("fs");
const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const w = process.argv[2];
const lines = (f) => fs.readFileSync(f, "utf8").split("\n").filter(Boolean);
const inTar = new Set(lines(w + "/tarfiles")), inGit = new Set(lines(w + "/gitfiles"));
const sets = { tar: new Set(), git: new Set(), changed: new Set() };
for (const f of r.findings) {
  if (f.code === "EXPORT_IGNORED") continue;
  const t = inTar.has(f.path), g = inGit.has(f.path);
  if (t && !g) sets.tar.add(f.path); else if (g && !t) sets.git.add(f.path); else if (t && g) sets.changed.add(f.path);
}
for (const k of Object.keys(sets)) fs.writeFileSync(w + "/" + k + "-distdiff", [...sets[k]].sort().join("\n") + (sets[k].size ? "\n" : ""));
' "$work/r.json" "$work"
status=0
for k in tar git changed; do
  m=$work/$k-manual; [ $k = tar ] && m=$work/only-tar-manual; [ $k = git ] && m=$work/only-git-manual; [ $k = changed ] && m=$work/changed-manual
  if diff -u "$m" "$work/$k-distdiff" > "$work/$k.cmp"; then
    echo "crosscheck: $k: $(wc -l < "$m") paths, identical sets"
  else
    echo "crosscheck: $k: sets DIFFER (manual vs distdiff):"; cat "$work/$k.cmp"; status=1
  fi
done
exit $status
