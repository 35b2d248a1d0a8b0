#!/usr/bin/perl
# scripts/derive-software-license.pl — derive data/software-license.json.gz, the standard license texts CPAN release
# tools write into a distribution's LICENSE file, from the installed Software::License (Debian
# libsoftware-license-perl). Dist::Zilla's [License] writes `$license->fulltext` (the notice, a blank line, the
# license; kept as `fulltext` where a class renders it otherwise); ExtUtils::MakeMaker front-ends such as Distar (Moo)
# write `$license->license`. Each text is rendered with the holder and the year replaced by placeholders
# (\u0001HOLDER\u0001, \u0001YEAR\u0001), so src/profiles/cpan-license.ts can match a shipped LICENSE and read back the
# holder and year it was rendered with. Nothing here runs at verification time.
#
# Usage: perl scripts/derive-software-license.pl | gzip -9n > data/software-license.json.gz
use strict;
use warnings;
use JSON::PP;
use Software::License;
use File::Basename qw(basename);

my $dir = $INC{'Software/License.pm'};
$dir =~ s/\.pm$//;
my %out = (generator => 'scripts/derive-software-license.pl', softwareLicense => "$Software::License::VERSION", licenses => {});
for my $file (sort glob("$dir/*.pm")) {
  my $name = basename($file, '.pm');
  next if $name eq 'Custom';
  my $class = "Software::License::$name";
  eval "require $class; 1" or next;
  my $l = eval { $class->new({ holder => "\x01HOLDER\x01", year => "\x01YEAR\x01" }) } or next;
  my %meta = map { my $m = $_; ($m => scalar eval { $l->$m }) } qw(meta_name meta2_name spdx_expression);
  $out{licenses}{$name} = { %meta, notice => $l->notice, license => $l->license };
  # a class may render its full text otherwise (Apache_2_0 fills its appendix's [yyyy] and [name of copyright owner])
  my $full = $l->fulltext;
  $out{licenses}{$name}{fulltext} = $full if $full ne join("\n", $l->notice, $l->license);
}
print JSON::PP->new->canonical->utf8->encode(\%out);
