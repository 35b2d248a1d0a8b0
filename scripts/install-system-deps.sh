#!/usr/bin/env bash
# The one installer of the system tools distdiff's tests and scripts run. Used by .ci/run and by
# `npm test` (pretest), so a fresh machine gets the same tools either way. Installs only what is missing;
# when it cannot install (not root, no apt-get) it names every missing package and exits 1 — tests never
# skip silently.
#
#   command:package   one pair per tool the tests run
set -euo pipefail
PAIRS=(
  xz:xz-utils zstd:zstd bzip2:bzip2 gzip:gzip git:git zip:zip unzip:unzip tar:tar   # real archives, git + git daemon
  gpg:gnupg gpgconf:gnupg                                                          # signatures made by the tests
  openssl:openssl sha256sum:coreutils mkfifo:coreutils                             # https test server, hashes
  cargo:cargo python3:python3                                                      # real crate and sdist packaging
  bwrap:bubblewrap                                                                 # the generator sandbox
  autoconf:autoconf automake:automake aclocal:automake libtoolize:libtool          # regeneration of autotools output
  autopoint:autopoint msgfmt:gettext xgettext:gettext m4:m4 perl:perl
  slurmctld:slurmctld slurmd:slurmd sbatch:slurm-client munged:munge               # the batch tests' real cluster
  chromium:chromium                                                                # the HTML report's browser tests
  post-grohtml:groff gropdf:groff nroff:groff-base col:bsdextrautils awk:mawk  # docs formatted by the tests (groff -Thtml, -Tpdf, nroff | col -b)
  byacc:byacc bison:bison flex:flex                                                # generated parsers made and proved by the tests
  asn1Parser:libtasn1-bin gengetopt:gengetopt gperf:gperf  # generator tools run in the sandbox: test/regenerate/generators.test.ts, gperf.test.ts
  glib-genmarshal:libglib2.0-dev-bin gdbus-codegen:libglib2.0-dev-bin glib-mkenums:libglib2.0-dev-bin  # GLib generators run in the sandbox: test/regenerate/glib-generators.test.ts
  makeinfo:texinfo                                                                 # makeinfo text from texinfo, made and proved by the tests
  itstool:itstool                                                                  # itstool's templates of DocBook pages, written by the tests: test/classify/itstool-pot.test.ts
  mkdocs:mkdocs                                                                    # MkDocs sites (their sitemaps) built by the tests: test/classify/mkdocs-sitemap.test.ts
  yodl:yodl                                                                        # yodl's text renderings of .yo documents, written by the tests: test/classify/yodl-rendered.test.ts
  doxygen:doxygen                                                                  # doxygen output trees made and proved by the tests: test/regenerate/doxygen.test.ts
  swig:swig                                                                        # SWIG's Python modules made and proved by the tests: test/regenerate/swig.test.ts
  valac:valac                                                                      # valac's C, header, vapi and gir outputs made and proved by the tests: test/regenerate/vala.test.ts
  fig2dev:fig2dev gs:ghostscript                                                   # xfig figures drawn again and compared by the tests: test/regenerate/fig2dev.test.ts
  gnulib-tool:gnulib                                                               # a real gnulib (/usr/share/gnulib) pinned by the gnulib-tool tests
)
need=()
for pair in "${PAIRS[@]}"; do
  cmd=${pair%%:*}; pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
done
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import setuptools' >/dev/null 2>&1; then need+=(python3-setuptools); fi
# setuptools_scm writes the version files of test/profiles/sdist-scm-version.test.ts (python3 on PATH, else Debian's)
if ! python3 -c 'import setuptools_scm' >/dev/null 2>&1 && ! /usr/bin/python3 -c 'import setuptools, setuptools_scm' >/dev/null 2>&1; then need+=(python3-setuptools-scm); fi
# Software::License renders the LICENSE texts of test/profiles/cpan-license.test.ts (and scripts/derive-software-license.pl)
if ! perl -MSoftware::License -e 1 >/dev/null 2>&1; then need+=(libsoftware-license-perl); fi
[ ${#need[@]} -eq 0 ] && exit 0
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "distdiff tests need these system packages (Debian names): ${need[*]}" >&2
  echo "install them (as root: apt-get install ${need[*]}) and run again" >&2
  exit 1
fi
echo "install-system-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
