#!/usr/bin/env bash
# Dogfood (run by .ci/run after npm test): the package `npm pack` would publish, verified against this
# checkout's HEAD by the distdiff just built. The npm profile explains dist/ as the build output of src/ and
# the unpacked sources as NOT_PACKAGED; anything else (a file in the package that git lacks, a changed
# file) makes the verdict other than explained/identical and fails CI. Needs a clean work tree at HEAD and
# a built dist/ (npm run build).
set -euo pipefail
cd "$(dirname "$0")/.."
test -f dist/cli.js || { echo "dogfood: dist/cli.js missing; run npm run build" >&2; exit 2; }
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "dogfood: the work tree differs from HEAD; commit or stash first (the package would not be HEAD's)" >&2
  exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npm pack --ignore-scripts --silent --pack-destination "$tmp" >/dev/null
pkg=$(ls "$tmp"/*.tgz)
status=0
node dist/cli.js "$pkg" --repo . --commit "$(git rev-parse HEAD)" --cache-dir "$tmp/cache" --format json --output "$tmp/report.json" || status=$?
verdict=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).verdict)' "$tmp/report.json" 2>/dev/null || echo error)
case "$status:$verdict" in
  0:explained | 0:identical)
    echo "dogfood: $(basename "$pkg") vs HEAD $(git rev-parse --short=12 HEAD): $verdict"
    ;;
  *)
    echo "dogfood: $(basename "$pkg") vs HEAD: exit $status, verdict $verdict — the published package would not match git" >&2
    node dist/cli.js "$pkg" --repo . --commit "$(git rev-parse HEAD)" --cache-dir "$tmp/cache" >&2 || true
    exit 1
    ;;
esac
