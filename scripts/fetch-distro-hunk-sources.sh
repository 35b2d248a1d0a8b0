#!/usr/bin/env bash
# Fetches the release tarballs scripts/derive-distro-hunks.mjs derives the distribution patch hunk corpus
# from (data/distro-hunks.json, issue 11 b): Debian orig tarballs — the upstream maintainers' own release
# tarballs — of autotools projects that ship libtool/config copies. The list holds no project of the evaluation
# set (scripts/evaluate-releases.tsv); the evaluation's own orig tarballs (~/.cache/distdiff-eval/dl) may be
# passed to the deriver as well: each hunk records its supporting projects and a release is judged on the other
# projects only (leave-one-out, README "Distribution patch hunks").
#
# Usage: scripts/fetch-distro-hunk-sources.sh [DIR] [APT_DIR]
#   DIR      default ${XDG_CACHE_HOME:-$HOME/.cache}/distdiff-hunks; tarballs land in DIR/orig/<suite>/
#   APT_DIR  an apt configuration directory with a sources.list of deb-src lines and its lists/ (default
#            DIR/apt; scripts/evaluate's ~/.cache/distdiff-eval/apt is one: copy it there)
# then:  node scripts/derive-distro-hunks.mjs DIR/orig
# Nothing downloaded is executed: only the orig tarballs are kept, and the deriver reads them with tar.
set -euo pipefail
dir=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/distdiff-hunks}
apt_dir=${2:-$dir/apt}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
[ -f "$apt_dir/sources.list" ] || { echo "fetch-distro-hunk-sources: $apt_dir/sources.list is missing (copy scripts/evaluate's apt directory there)" >&2; exit 2; }
SUITES=${SUITES:-"bookworm sid"}
# Autotools + libtool projects of many upstreams (X.org, netfilter, GNOME-era libraries, Red Hat/Fedora,
# SUSE and Debian maintainers, GNU): none is in scripts/evaluate-releases.tsv.
PACKAGES=(libpwquality libuser fontconfig libnl3 libndp libteam nfs-utils libtirpc rpcbind libcgroup numactl
  libqb corosync pacemaker audit libevdev pixman cairo libx11 libxext libxi libxrandr libxfixes libxrender
  libxtst libxinerama libxcursor libxdamage libxcomposite libxv libxxf86vm libxpm libxt libxmu libxaw libsm
  libice libxcb xcb-util libfontenc libxfont libxkbfile libxshmfence libxau libxdmcp libpciaccess
  libmnl libnftnl nftables iptables ipset libnfnetlink libnetfilter-conntrack libnetfilter-queue
  libnetfilter-log conntrack-tools libdaemon avahi gdbm libatasmart libgudev libmtp libgphoto2 libexif
  libusb-1.0 usbredir libosinfo augeas hivex xfsprogs parted kbd procps acl attr sg3-utils libaio
  libmicrohttpd libksba npth mpfr4 gmp mpclib3
  libatomic-ops libgc zeromq3 libpcap libnetfilter-cthelper libnetfilter-cttimeout ulogd2
  shadow cracklib2 libnsl pam libverto ding-libs cyrus-sasl2 dbus rpm libsigsegv
  libxmlb lcms2 libtheora speex libao libmad libid3tag libsamplerate alsa-lib alsa-utils
  libdvdread libdvdnav libcdio libmpeg2 a52dec faad2 lame twolame libmodplug libshout libcue
  check cunit cppunit libedit newt slang2 gpm libunwind liburcu lttng-ust babeltrace libnet libpcre3
  libgsf librsvg libcroco libwnck3 vte2.91 libnotify startup-notification libical
  udisks2 libblockdev libnbd kronosnet libkcapi libmbim libqmi libnma network-manager cups-filters)
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache::Archives=$apt_dir/archives" -o "Dir::State::Status=/dev/null" -o APT::Sandbox::User=root)
for suite in $SUITES; do
  mkdir -p "$dir/orig/$suite"
  for p in "${PACKAGES[@]}"; do
    # The .dsc may be missing from a partial mirror while the orig tarball downloads; only the orig tarball is used.
    (cd "$dir/orig/$suite" && nice apt-get "${apt_opts[@]}" source --download-only -qq "$p/$suite" >/dev/null 2>&1 || true)
  done
  rm -f "$dir/orig/$suite"/*.debian.tar.* "$dir/orig/$suite"/*.diff.gz "$dir/orig/$suite"/*.dsc "$dir/orig/$suite"/*.asc
done
find "$dir/orig" -type f -name '*.orig.tar.*' | sort
