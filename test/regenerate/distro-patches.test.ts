/**
 * Debian's autoconf 2.69 --runstatedir patch undone exactly: the 13 lines real releases carry (libtool
 * 2.4.7, less 590) in their places, or nothing. The end-to-end check on those releases is in
 * docs/regeneration.md (scripts/regen-eval.sh --releases).
 */
import { describe, expect, it } from 'vitest';
import { undoRunstatedir } from '../../src/regenerate/distro-patches.js';
import { normalisationText } from '../../src/core/wording.js';

const GNU = [
  '#! /bin/sh',
  'oldincludedir',
  'includedir',
  'localstatedir',
  "localstatedir='${prefix}/var'",
  "includedir='${prefix}/include'",
  '  | -silent | --silent | --silen | --sile | --sil)',
  '    silent=yes ;;',
  '',
  '  -sbindir | --sbindir | --sbindi | --sbind | --sbin | --sbi | --sb)',
  'for ac_var in\texec_prefix prefix bindir sbindir libexecdir datarootdir \\',
  '\t\tlibdir localedir mandir',
  'do',
  '  --localstatedir=DIR      modifiable single-machine data [PREFIX/var]',
  '  --libdir=DIR             object code libraries [EPREFIX/lib]',
  '',
].join('\n');

const DEBIAN = [
  '#! /bin/sh',
  'oldincludedir',
  'includedir',
  'runstatedir',
  'localstatedir',
  "localstatedir='${prefix}/var'",
  "runstatedir='${localstatedir}/run'",
  "includedir='${prefix}/include'",
  '  | -silent | --silent | --silen | --sile | --sil)',
  '    silent=yes ;;',
  '',
  '  -runstatedir | --runstatedir | --runstatedi | --runstated \\',
  '  | --runstate | --runstat | --runsta | --runst | --runs \\',
  '  | --run | --ru | --r)',
  '    ac_prev=runstatedir ;;',
  '  -runstatedir=* | --runstatedir=* | --runstatedi=* | --runstated=* \\',
  '  | --runstate=* | --runstat=* | --runsta=* | --runst=* | --runs=* \\',
  '  | --run=* | --ru=* | --r=*)',
  '    runstatedir=$ac_optarg ;;',
  '',
  '  -sbindir | --sbindir | --sbindi | --sbind | --sbin | --sbi | --sb)',
  'for ac_var in\texec_prefix prefix bindir sbindir libexecdir datarootdir \\',
  '\t\tlibdir localedir mandir runstatedir',
  'do',
  '  --localstatedir=DIR      modifiable single-machine data [PREFIX/var]',
  '  --runstatedir=DIR       modifiable per-process data [LOCALSTATEDIR/run]',
  '  --libdir=DIR             object code libraries [EPREFIX/lib]',
  '',
].join('\n');

describe('undoRunstatedir', () => {
  it('removes exactly the 13 lines of the patch, each in its place', () => {
    expect(DEBIAN.split('\n').length - GNU.split('\n').length).toBe(12); // 12 added + 1 changed line
    expect(undoRunstatedir(DEBIAN)?.text).toBe(GNU);
    expect(undoRunstatedir(DEBIAN)?.normalisation).toEqual({ kind: 'debian-runstatedir', args: {} });
    expect(normalisationText(undoRunstatedir(DEBIAN)!.normalisation)).toMatch(/^Debian's autoconf 2\.69 --runstatedir patch/);
  });

  it('undoes nothing when a block is missing, doubled or altered', () => {
    expect(undoRunstatedir(GNU)).toBeUndefined();
    expect(undoRunstatedir(DEBIAN.replace("runstatedir=$ac_optarg ;;", 'runstatedir=$ac_optarg; eval "$x" ;;'))).toBeUndefined();
    expect(undoRunstatedir(DEBIAN + "\nlocalstatedir='${prefix}/var'\nrunstatedir='${localstatedir}/run'\n")).toBeUndefined();
  });
});
