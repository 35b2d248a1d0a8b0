#!/usr/bin/env bash
# Fetches the release artefacts scripts/build-upstream-db.mjs derives its release-only data from (issue 11 b):
# upstream files that are not in any project's git history because a release process produced them.
#
#   orig/<suite>/  Debian orig tarballs (the GNU release tarballs) of libtool, gettext, autoconf, automake:
#                  libtool's ltmain.sh is generated from ltmain.in at release time, and gettext's release
#                  carries gettext-tools/misc/archive.dir.tar (what autopoint installs, for every gettext
#                  version since 0.10.35).
#   deb/<suite>/   Debian binary packages of the same tools: the toolchain copies distributions install
#                  (/usr/share/aclocal/*.m4, /usr/share/libtool/build-aux/ltmain.sh, /usr/share/gettext/po/…),
#                  with Debian's patches; the builder records them as a labelled source
#                  ("Debian bookworm libtool 2.4.7-7~deb12u1"). Also the -dev packages of libraries whose
#                  macro files projects copy (gtk-doc-tools' gtk-doc.m4 and gtk-doc.make, libgpgme-dev's
#                  gpgme.m4, libgpg-error-dev, pkgconf, glib, …): "Debian bookworm gtk-doc-tools 1.33.2-1".
#
# Usage: scripts/fetch-upstream-releases.sh [DIR]   (default ${XDG_CACHE_HOME:-$HOME/.cache}/distdiff-upstream)
# then:  node scripts/build-upstream-db.mjs --releases DIR
#        node scripts/build-release-members.mjs --releases DIR   (the nested archives' members: data/release-members.json.gz)
# apt runs with a private state directory per suite (the system's sources are not touched). Nothing
# downloaded is executed: the builder only reads the archives with tar and dpkg-deb.
set -euo pipefail
dir=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/distdiff-upstream}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
SUITES=${SUITES:-"bullseye bookworm trixie sid"}
SOURCES=(libtool gettext autoconf automake-1.16 automake-1.17)
BINARIES=(libtool gettext autopoint autoconf automake
          gtk-doc-tools libgpgme-dev libgpg-error-dev libgcrypt20-dev libassuan-dev libksba-dev libnpth0-dev
          pkgconf pkg-config libglib2.0-dev libglib2.0-dev-bin gobject-introspection libgirepository1.0-dev
          intltool yelp-tools libsdl2-dev libcppunit-dev)

apt_for() {
  local suite=$1; shift
  local a="$dir/apt/$suite"
  mkdir -p "$a/lists/partial" "$a/archives/partial"
  printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian %s main\ndeb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian %s main\n' "$suite" "$suite" > "$a/sources.list"
  local o=(-o "Dir::Etc::SourceList=$a/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$a/lists"
           -o "Dir::Cache::Archives=$a/archives" -o "Dir::State::Status=/dev/null" -o APT::Sandbox::User=root)
  if [ ! -e "$a/updated" ]; then
    nice apt-get "${o[@]}" update -qq >/dev/null 2>"$a/update.err" && touch "$a/updated" || { echo "fetch-upstream-releases: apt-get update for $suite failed (see $a/update.err); skipped" >&2; return 0; }
  fi
  mkdir -p "$dir/orig/$suite" "$dir/deb/$suite"
  for p in "${SOURCES[@]}"; do
    # The .dsc may 404 while the orig tarball downloads; only the orig tarball is used.
    (cd "$dir/orig/$suite" && nice apt-get "${o[@]}" source --download-only "$p" >/dev/null 2>&1 || true)
  done
  rm -f "$dir/orig/$suite"/*.debian.tar.* "$dir/orig/$suite"/*.diff.gz "$dir/orig/$suite"/*.dsc "$dir/orig/$suite"/*.asc
  for p in "${BINARIES[@]}"; do
    (cd "$dir/deb/$suite" && nice apt-get "${o[@]}" download "$p" >/dev/null 2>&1 || echo "fetch-upstream-releases: $suite: no binary package $p" >&2)
  done
}
for s in $SUITES; do apt_for "$s"; done
find "$dir/orig" "$dir/deb" -type f | sort
