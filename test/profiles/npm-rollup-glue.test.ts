/**
 * rollup's module-format glue in bundles that are not minified (holdout27: magic-string 0.30.17's
 * dist/magic-string.{cjs.js,es.mjs,umd.js}, superstruct 1.0.4's dist/index.{cjs,mjs}). rollup writes, around the
 * modules it concatenates, lines no mapping covers: `var tinyCodec = require('tiny-codec');` for an external the
 * sources import (and reads the source's `encode(…)` as `tinyCodec.encode(…)` on a mapped line), the export lines
 * (`exports.X = X;`, `module.exports = X;`, `export { X, X as default };`) and the UMD wrapper with its `return X;`.
 * Before, each such line made the bundle NPM_BUILD_OUTPUT_MISMATCH (high). The outputs below are what the real rollup
 * 3.29.4 wrote for the sources below, run once outside the repository (`rollup -c` with the configuration committed
 * here: cjs with `exports: 'named'` and es from src/index.js with `tiny-codec` external; umd from src/plain.js (a
 * default export) and src/named.js (named exports); cjs from src/plain.js), `sourcemap: true`; the test packs them with
 * the real npm pack from a real git tag. Twins: an external the sources never import, a name they do not import or
 * export, a wrapper that loads a module or assigns a global of the runtime, a default export that is not theirs —
 * each stays NPM_BUILD_OUTPUT_MISMATCH high.
 */
import { describe, expect, it } from 'vitest';
import { rollupFormatGlue, sourceExports, sourceImports } from '../../src/profiles/npm-dist.js';
import { npmReleaseMaker, editIn } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const SOURCES: Record<string, string> = {
  'src/counter.js': `export class Counter {
  constructor(start = 0) {
    this.value = start;
  }
  inc() {
    this.value++;
    return this;
  }
}
`,
  'src/index.js': `import { encode } from 'tiny-codec';
import { Counter } from './counter.js';

export class Tally extends Counter {
  dump() {
    return encode([this.value]);
  }
}

export function tally(start) {
  return new Tally(start);
}

export default Tally;
`,
  'src/plain.js': `import { Counter } from './counter.js';

export default function tally(start) {
  return new Counter(start).inc();
}
`,
  'src/named.js': `import { Counter } from './counter.js';

export function tally(start) {
  return new Counter(start).inc();
}

export { Counter };
`,
  'rollup.config.mjs': `export default [
  { input: 'src/index.js', external: ['tiny-codec'], output: [
    { file: 'dist/tally.cjs.js', format: 'cjs', exports: 'named', sourcemap: true },
    { file: 'dist/tally.es.mjs', format: 'es', sourcemap: true } ] },
  { input: 'src/plain.js', output: { file: 'dist/tally.umd.js', format: 'umd', name: 'tally', sourcemap: true } },
  { input: 'src/named.js', output: { file: 'dist/named.umd.js', format: 'umd', name: 'Tally', sourcemap: true } },
  { input: 'src/plain.js', output: { file: 'dist/plain.cjs.js', format: 'cjs', sourcemap: true } },
];
`,
};

/** What the real rollup 3.29.4 wrote for SOURCES with rollup.config.mjs. */
const ROLLUP: Record<string, string> = {
  "dist/tally.cjs.js": "'use strict';\n\nObject.defineProperty(exports, '__esModule', { value: true });\n\nvar tinyCodec = require('tiny-codec');\n\nclass Counter {\n  constructor(start = 0) {\n    this.value = start;\n  }\n  inc() {\n    this.value++;\n    return this;\n  }\n}\n\nclass Tally extends Counter {\n  dump() {\n    return tinyCodec.encode([this.value]);\n  }\n}\n\nfunction tally(start) {\n  return new Tally(start);\n}\n\nexports.Tally = Tally;\nexports.default = Tally;\nexports.tally = tally;\n//# sourceMappingURL=tally.cjs.js.map\n",
  "dist/tally.cjs.js.map": "{\"version\":3,\"file\":\"tally.cjs.js\",\"sources\":[\"../src/counter.js\",\"../src/index.js\"],\"sourcesContent\":[\"export class Counter {\\n  constructor(start = 0) {\\n    this.value = start;\\n  }\\n  inc() {\\n    this.value++;\\n    return this;\\n  }\\n}\\n\",\"import { encode } from 'tiny-codec';\\nimport { Counter } from './counter.js';\\n\\nexport class Tally extends Counter {\\n  dump() {\\n    return encode([this.value]);\\n  }\\n}\\n\\nexport function tally(start) {\\n  return new Tally(start);\\n}\\n\\nexport default Tally;\\n\"],\"names\":[\"encode\"],\"mappings\":\";;;;;;AAAO,MAAM,OAAO,CAAC;AACrB,EAAE,WAAW,CAAC,KAAK,GAAG,CAAC,EAAE;AACzB,IAAI,IAAI,CAAC,KAAK,GAAG,KAAK,CAAC;AACvB,GAAG;AACH,EAAE,GAAG,GAAG;AACR,IAAI,IAAI,CAAC,KAAK,EAAE,CAAC;AACjB,IAAI,OAAO,IAAI,CAAC;AAChB,GAAG;AACH;;ACLO,MAAM,KAAK,SAAS,OAAO,CAAC;AACnC,EAAE,IAAI,GAAG;AACT,IAAI,OAAOA,gBAAM,CAAC,CAAC,IAAI,CAAC,KAAK,CAAC,CAAC,CAAC;AAChC,GAAG;AACH,CAAC;AACD;AACO,SAAS,KAAK,CAAC,KAAK,EAAE;AAC7B,EAAE,OAAO,IAAI,KAAK,CAAC,KAAK,CAAC,CAAC;AAC1B;;;;;;\"}",
  "dist/tally.es.mjs": "import { encode } from 'tiny-codec';\n\nclass Counter {\n  constructor(start = 0) {\n    this.value = start;\n  }\n  inc() {\n    this.value++;\n    return this;\n  }\n}\n\nclass Tally extends Counter {\n  dump() {\n    return encode([this.value]);\n  }\n}\n\nfunction tally(start) {\n  return new Tally(start);\n}\n\nexport { Tally, Tally as default, tally };\n//# sourceMappingURL=tally.es.mjs.map\n",
  "dist/tally.es.mjs.map": "{\"version\":3,\"file\":\"tally.es.mjs\",\"sources\":[\"../src/counter.js\",\"../src/index.js\"],\"sourcesContent\":[\"export class Counter {\\n  constructor(start = 0) {\\n    this.value = start;\\n  }\\n  inc() {\\n    this.value++;\\n    return this;\\n  }\\n}\\n\",\"import { encode } from 'tiny-codec';\\nimport { Counter } from './counter.js';\\n\\nexport class Tally extends Counter {\\n  dump() {\\n    return encode([this.value]);\\n  }\\n}\\n\\nexport function tally(start) {\\n  return new Tally(start);\\n}\\n\\nexport default Tally;\\n\"],\"names\":[],\"mappings\":\";;AAAO,MAAM,OAAO,CAAC;AACrB,EAAE,WAAW,CAAC,KAAK,GAAG,CAAC,EAAE;AACzB,IAAI,IAAI,CAAC,KAAK,GAAG,KAAK,CAAC;AACvB,GAAG;AACH,EAAE,GAAG,GAAG;AACR,IAAI,IAAI,CAAC,KAAK,EAAE,CAAC;AACjB,IAAI,OAAO,IAAI,CAAC;AAChB,GAAG;AACH;;ACLO,MAAM,KAAK,SAAS,OAAO,CAAC;AACnC,EAAE,IAAI,GAAG;AACT,IAAI,OAAO,MAAM,CAAC,CAAC,IAAI,CAAC,KAAK,CAAC,CAAC,CAAC;AAChC,GAAG;AACH,CAAC;AACD;AACO,SAAS,KAAK,CAAC,KAAK,EAAE;AAC7B,EAAE,OAAO,IAAI,KAAK,CAAC,KAAK,CAAC,CAAC;AAC1B;;;;\"}",
  "dist/tally.umd.js": "(function (global, factory) {\n  typeof exports === 'object' && typeof module !== 'undefined' ? module.exports = factory() :\n  typeof define === 'function' && define.amd ? define(factory) :\n  (global = typeof globalThis !== 'undefined' ? globalThis : global || self, global.tally = factory());\n})(this, (function () { 'use strict';\n\n  class Counter {\n    constructor(start = 0) {\n      this.value = start;\n    }\n    inc() {\n      this.value++;\n      return this;\n    }\n  }\n\n  function tally(start) {\n    return new Counter(start).inc();\n  }\n\n  return tally;\n\n}));\n//# sourceMappingURL=tally.umd.js.map\n",
  "dist/tally.umd.js.map": "{\"version\":3,\"file\":\"tally.umd.js\",\"sources\":[\"../src/counter.js\",\"../src/plain.js\"],\"sourcesContent\":[\"export class Counter {\\n  constructor(start = 0) {\\n    this.value = start;\\n  }\\n  inc() {\\n    this.value++;\\n    return this;\\n  }\\n}\\n\",\"import { Counter } from './counter.js';\\n\\nexport default function tally(start) {\\n  return new Counter(start).inc();\\n}\\n\"],\"names\":[],\"mappings\":\";;;;;;EAAO,MAAM,OAAO,CAAC;EACrB,EAAE,WAAW,CAAC,KAAK,GAAG,CAAC,EAAE;EACzB,IAAI,IAAI,CAAC,KAAK,GAAG,KAAK,CAAC;EACvB,GAAG;EACH,EAAE,GAAG,GAAG;EACR,IAAI,IAAI,CAAC,KAAK,EAAE,CAAC;EACjB,IAAI,OAAO,IAAI,CAAC;EAChB,GAAG;EACH;;ECNe,SAAS,KAAK,CAAC,KAAK,EAAE;EACrC,EAAE,OAAO,IAAI,OAAO,CAAC,KAAK,CAAC,CAAC,GAAG,EAAE,CAAC;EAClC;;;;;;;;\"}",
  "dist/named.umd.js": "(function (global, factory) {\n  typeof exports === 'object' && typeof module !== 'undefined' ? factory(exports) :\n  typeof define === 'function' && define.amd ? define(['exports'], factory) :\n  (global = typeof globalThis !== 'undefined' ? globalThis : global || self, factory(global.Tally = {}));\n})(this, (function (exports) { 'use strict';\n\n  class Counter {\n    constructor(start = 0) {\n      this.value = start;\n    }\n    inc() {\n      this.value++;\n      return this;\n    }\n  }\n\n  function tally(start) {\n    return new Counter(start).inc();\n  }\n\n  exports.Counter = Counter;\n  exports.tally = tally;\n\n}));\n//# sourceMappingURL=named.umd.js.map\n",
  "dist/named.umd.js.map": "{\"version\":3,\"file\":\"named.umd.js\",\"sources\":[\"../src/counter.js\",\"../src/named.js\"],\"sourcesContent\":[\"export class Counter {\\n  constructor(start = 0) {\\n    this.value = start;\\n  }\\n  inc() {\\n    this.value++;\\n    return this;\\n  }\\n}\\n\",\"import { Counter } from './counter.js';\\n\\nexport function tally(start) {\\n  return new Counter(start).inc();\\n}\\n\\nexport { Counter };\\n\"],\"names\":[],\"mappings\":\";;;;;;EAAO,MAAM,OAAO,CAAC;EACrB,EAAE,WAAW,CAAC,KAAK,GAAG,CAAC,EAAE;EACzB,IAAI,IAAI,CAAC,KAAK,GAAG,KAAK,CAAC;EACvB,GAAG;EACH,EAAE,GAAG,GAAG;EACR,IAAI,IAAI,CAAC,KAAK,EAAE,CAAC;EACjB,IAAI,OAAO,IAAI,CAAC;EAChB,GAAG;EACH;;ECNO,SAAS,KAAK,CAAC,KAAK,EAAE;EAC7B,EAAE,OAAO,IAAI,OAAO,CAAC,KAAK,CAAC,CAAC,GAAG,EAAE,CAAC;EAClC;;;;;;;;;\"}",
  "dist/plain.cjs.js": "'use strict';\n\nclass Counter {\n  constructor(start = 0) {\n    this.value = start;\n  }\n  inc() {\n    this.value++;\n    return this;\n  }\n}\n\nfunction tally(start) {\n  return new Counter(start).inc();\n}\n\nmodule.exports = tally;\n//# sourceMappingURL=plain.cjs.js.map\n",
  "dist/plain.cjs.js.map": "{\"version\":3,\"file\":\"plain.cjs.js\",\"sources\":[\"../src/counter.js\",\"../src/plain.js\"],\"sourcesContent\":[\"export class Counter {\\n  constructor(start = 0) {\\n    this.value = start;\\n  }\\n  inc() {\\n    this.value++;\\n    return this;\\n  }\\n}\\n\",\"import { Counter } from './counter.js';\\n\\nexport default function tally(start) {\\n  return new Counter(start).inc();\\n}\\n\"],\"names\":[],\"mappings\":\";;AAAO,MAAM,OAAO,CAAC;AACrB,EAAE,WAAW,CAAC,KAAK,GAAG,CAAC,EAAE;AACzB,IAAI,IAAI,CAAC,KAAK,GAAG,KAAK,CAAC;AACvB,GAAG;AACH,EAAE,GAAG,GAAG;AACR,IAAI,IAAI,CAAC,KAAK,EAAE,CAAC;AACjB,IAAI,OAAO,IAAI,CAAC;AAChB,GAAG;AACH;;ACNe,SAAS,KAAK,CAAC,KAAK,EAAE;AACrC,EAAE,OAAO,IAAI,OAAO,CAAC,KAAK,CAAC,CAAC,GAAG,EAAE,CAAC;AAClC;;;;\"}",
};

const root = tempDir('distdiff-npm-rollup-glue-');
const release = npmReleaseMaker(root, {
  'package.json': JSON.stringify({ name: 'tally', version: '1.0.0', main: 'dist/tally.cjs.js', module: 'dist/tally.es.mjs', files: ['dist'], scripts: { build: 'rollup -c' }, dependencies: { 'tiny-codec': '^1.0.0' } }, null, 2) + '\n',
  ...SOURCES,
  '.gitignore': 'dist/\n',
}, 'v1.0.0', ROLLUP);

const BUNDLES = ['dist/tally.cjs.js', 'dist/tally.es.mjs', 'dist/tally.umd.js', 'dist/named.umd.js', 'dist/plain.cjs.js'];

describe("rollup's module-format glue", () => {
  it('every bundle as rollup wrote it: NPM_BUILD_OUTPUT proved by its source map', async () => {
    const at = await release();
    for (const b of BUNDLES) expect([b, at(b).code, at(b).severity]).toEqual([b, 'NPM_BUILD_OUTPUT', 'info']);
    expect(at('dist/tally.cjs.js').evidence).toMatchObject({ proof: 'source-map', sources: ['src/counter.js', 'src/index.js'] });
  }, 120_000);

  it('twins stay NPM_BUILD_OUTPUT_MISMATCH high', async () => {
    const cases: [string, string, string, string][] = [
      ['external the sources never import', 'dist/tally.cjs.js', "var tinyCodec = require('tiny-codec');", "var tinyCodec = require('child_process');"],
      ['a name not imported from it', 'dist/tally.es.mjs', "import { encode } from 'tiny-codec';", "import { encode, exec } from 'tiny-codec';"],
      ['an export of a name the sources do not export', 'dist/tally.cjs.js', 'exports.tally = tally;', 'exports.tally = tally;\nexports.run = Counter;'],
      ['module.exports of a name that is no default export', 'dist/plain.cjs.js', 'module.exports = tally;', 'module.exports = Counter;'],
      ['a UMD wrapper loading a module', 'dist/named.umd.js', "? factory(exports) :", "? factory(exports, require('child_process')) :"],
      ['a UMD namespace replacing a global', 'dist/named.umd.js', 'factory(global.Tally = {})', 'factory(global.fetch = {})'],
      ['a UMD default export assigned to a global no source declares', 'dist/tally.umd.js', 'global.tally = factory()', 'global.JSON = factory()'],
      ['a call added after the glue', 'dist/tally.cjs.js', 'exports.tally = tally;', 'exports.tally = tally;\ntinyCodec.exec("id");'],
    ];
    for (const [name, file, from, to] of cases) {
      const at = await release(editIn(file, from, to));
      expect([name, at(file).code, at(file).severity]).toEqual([name, 'NPM_BUILD_OUTPUT_MISMATCH', 'high']);
    }
  }, 600_000);
});

describe('rollupFormatGlue', () => {
  const sources = [SOURCES['src/counter.js']!, SOURCES['src/index.js']!];
  it('reads what the sources import and export', () => {
    expect([...sourceImports(sources)].map(([k, v]) => [k, [...v]])).toEqual([['tiny-codec', ['encode']]]);
    const e = sourceExports(sources);
    expect([[...e.exported].sort(), [...e.defaults]]).toEqual([['Counter', 'Tally', 'tally'], ['Tally']]);
  });
  it('marks the glue lines and the binding of the external, nothing else', () => {
    const code = ROLLUP['dist/tally.cjs.js']!.split('\n');
    const g = rollupFormatGlue(code, sources);
    expect([...g.lines].map((i) => code[i])).toEqual(["var tinyCodec = require('tiny-codec');", 'exports.Tally = Tally;', 'exports.default = Tally;', 'exports.tally = tally;']);
    expect([...g.bindings]).toEqual(['tinyCodec']);
    expect(rollupFormatGlue(code, []).lines.size).toBe(0);
  });
});
