/**
 * Babel's rest-parameter transform (holdout32: superstruct 0.16.7's lib/index.{cjs,mjs} were
 * NPM_BUILD_OUTPUT_MISMATCH high for `for (var _len = arguments.length, Structs = new Array(_len), _key = 0; …) {` and
 * `Structs[_key] = arguments[_key];`, the loop Babel writes for `assign(...Structs)`; Babel maps both lines to the
 * function's first line, whose text has neither `arguments` nor `Array`). The output below is what the real
 * @babel/core 7.29.16 with @babel/plugin-transform-parameters 7.29.7 wrote for src/index.js, run once outside the
 * repository (`transformSync(code, { plugins: ['@babel/plugin-transform-parameters'], sourceMaps: true })`, the map's
 * source named `../src/index.js`); the test packs it with the real npm pack from a real git tag. Twins: a copy from
 * something else than `arguments`, a loop whose offset differs from its copy's, a loop for a name that is no rest
 * parameter of the sources, a statement after the loop's brace — each stays NPM_BUILD_OUTPUT_MISMATCH high.
 */
import { describe, expect, it } from 'vitest';
import { decodeMappings, parseSourceMap, unmappedCodeLines } from '../../src/profiles/npm-dist.js';
import { npmReleaseMaker, editIn } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const SOURCE = "export function merge(...parts) {\n  return Object.assign({}, ...parts);\n}\n\nexport function tag(name, ...values) {\n  return name + values.join(',');\n}\n\nexport function both(...left) {\n  const inner = (...right) => left.concat(right);\n  return inner;\n}\n";

/** What the real Babel wrote for SOURCE (see the header). */
const BABEL: Record<string, string> = {
  'dist/index.js': "export function merge() {\n  for (var _len = arguments.length, parts = new Array(_len), _key = 0; _key < _len; _key++) {\n    parts[_key] = arguments[_key];\n  }\n  return Object.assign({}, ...parts);\n}\nexport function tag(name) {\n  for (var _len2 = arguments.length, values = new Array(_len2 > 1 ? _len2 - 1 : 0), _key2 = 1; _key2 < _len2; _key2++) {\n    values[_key2 - 1] = arguments[_key2];\n  }\n  return name + values.join(',');\n}\nexport function both() {\n  for (var _len3 = arguments.length, left = new Array(_len3), _key3 = 0; _key3 < _len3; _key3++) {\n    left[_key3] = arguments[_key3];\n  }\n  const inner = function () {\n    for (var _len4 = arguments.length, right = new Array(_len4), _key4 = 0; _key4 < _len4; _key4++) {\n      right[_key4] = arguments[_key4];\n    }\n    return left.concat(right);\n  };\n  return inner;\n}\n//# sourceMappingURL=index.js.map\n",
  'dist/index.js.map': "{\"version\":3,\"file\":\"index.js\",\"names\":[\"merge\",\"_len\",\"arguments\",\"length\",\"parts\",\"Array\",\"_key\",\"Object\",\"assign\",\"tag\",\"name\",\"_len2\",\"values\",\"_key2\",\"join\",\"both\",\"_len3\",\"left\",\"_key3\",\"inner\",\"_len4\",\"right\",\"_key4\",\"concat\"],\"sources\":[\"../src/index.js\"],\"sourcesContent\":[\"export function merge(...parts) {\\n  return Object.assign({}, ...parts);\\n}\\n\\nexport function tag(name, ...values) {\\n  return name + values.join(',');\\n}\\n\\nexport function both(...left) {\\n  const inner = (...right) => left.concat(right);\\n  return inner;\\n}\\n\"],\"mappings\":\"AAAA,OAAO,SAASA,KAAKA,CAAA,EAAW;EAAA,SAAAC,IAAA,GAAAC,SAAA,CAAAC,MAAA,EAAPC,KAAK,OAAAC,KAAA,CAAAJ,IAAA,GAAAK,IAAA,MAAAA,IAAA,GAAAL,IAAA,EAAAK,IAAA;IAALF,KAAK,CAAAE,IAAA,IAAAJ,SAAA,CAAAI,IAAA;EAAA;EAC5B,OAAOC,MAAM,CAACC,MAAM,CAAC,CAAC,CAAC,EAAE,GAAGJ,KAAK,CAAC;AACpC;AAEA,OAAO,SAASK,GAAGA,CAACC,IAAI,EAAa;EAAA,SAAAC,KAAA,GAAAT,SAAA,CAAAC,MAAA,EAARS,MAAM,OAAAP,KAAA,CAAAM,KAAA,OAAAA,KAAA,WAAAE,KAAA,MAAAA,KAAA,GAAAF,KAAA,EAAAE,KAAA;IAAND,MAAM,CAAAC,KAAA,QAAAX,SAAA,CAAAW,KAAA;EAAA;EACjC,OAAOH,IAAI,GAAGE,MAAM,CAACE,IAAI,CAAC,GAAG,CAAC;AAChC;AAEA,OAAO,SAASC,IAAIA,CAAA,EAAU;EAAA,SAAAC,KAAA,GAAAd,SAAA,CAAAC,MAAA,EAANc,IAAI,OAAAZ,KAAA,CAAAW,KAAA,GAAAE,KAAA,MAAAA,KAAA,GAAAF,KAAA,EAAAE,KAAA;IAAJD,IAAI,CAAAC,KAAA,IAAAhB,SAAA,CAAAgB,KAAA;EAAA;EAC1B,MAAMC,KAAK,GAAG,SAAAA,CAAA;IAAA,SAAAC,KAAA,GAAAlB,SAAA,CAAAC,MAAA,EAAIkB,KAAK,OAAAhB,KAAA,CAAAe,KAAA,GAAAE,KAAA,MAAAA,KAAA,GAAAF,KAAA,EAAAE,KAAA;MAALD,KAAK,CAAAC,KAAA,IAAApB,SAAA,CAAAoB,KAAA;IAAA;IAAA,OAAKL,IAAI,CAACM,MAAM,CAACF,KAAK,CAAC;EAAA;EAC9C,OAAOF,KAAK;AACd\",\"ignoreList\":[]}",
};

const root = tempDir('distdiff-npm-babel-rest-');
const release = npmReleaseMaker(root, {
  'package.json': JSON.stringify({ name: 'restful', version: '1.0.0', main: 'dist/index.js', files: ['dist'], scripts: { build: 'babel src -d dist' } }, null, 2) + '\n',
  'src/index.js': SOURCE,
  '.gitignore': 'dist/\n',
}, 'v1.0.0', BABEL);

describe("Babel's rest-parameter loop", () => {
  it('the output as Babel wrote it: NPM_BUILD_OUTPUT proved by its source map', async () => {
    const at = await release();
    expect([at('dist/index.js').code, at('dist/index.js').severity]).toEqual(['NPM_BUILD_OUTPUT', 'info']);
    expect(at('dist/index.js').evidence).toMatchObject({ proof: 'source-map', sources: ['src/index.js'] });
  }, 120_000);

  it('twins stay NPM_BUILD_OUTPUT_MISMATCH high', async () => {
    const f = 'dist/index.js';
    const cases: [string, string, string][] = [
      ['a copy from the environment', '    parts[_key] = arguments[_key];', '    parts[_key] = process.env[_key];'],
      ['a copy whose offset is not its loop\'s', '    values[_key2 - 1] = arguments[_key2];', '    values[_key2 - 2] = arguments[_key2];'],
      ['a loop for a name that is no rest parameter', '  return name + values.join(\',\');', '  for (var _len9 = arguments.length, cmd = new Array(_len9), _key9 = 0; _key9 < _len9; _key9++) {\n    cmd[_key9] = arguments[_key9];\n  }\n  return name + values.join(\',\');'],
      ['a statement on the loop line', '_key < _len; _key++) {', '_key < _len; _key++) { require("child_process");'],
    ];
    for (const [name, from, to] of cases) {
      const at = await release(editIn(f, from, to));
      expect([name, at(f).code, at(f).severity]).toEqual([name, 'NPM_BUILD_OUTPUT_MISMATCH', 'high']);
    }
  }, 600_000);
});

describe('unmappedCodeLines on the rest-parameter loop', () => {
  const map = parseSourceMap(BABEL['dist/index.js.map']!)!;
  const lines = decodeMappings(map.mappings)!;
  it('exempts the loops and copies of rest parameters, nothing else', () => {
    expect(unmappedCodeLines(BABEL['dist/index.js']!, lines, [SOURCE])).toEqual([]);
    // the same output for sources without `...` (no rest parameter, no spread): all eight loop and copy lines are counted
    const plain = SOURCE.replaceAll('...', '');
    expect(unmappedCodeLines(BABEL['dist/index.js']!, lines, [plain])).toEqual([2, 3, 8, 9, 14, 15, 18, 19]);
  });
  it('a copy line away from its loop is counted', () => {
    const moved = BABEL['dist/index.js']!.replace('  return Object.assign({}, ...parts);', '  parts[_key] = arguments[_key];');
    expect(unmappedCodeLines(moved, lines, [SOURCE])).toEqual([5]);
  });
});
