/**
 * esbuild's bundles (immer 10.1.1, built by tsup: dist/immer.mjs, dist/immer.legacy-esm.js and
 * dist/cjs/immer.cjs.development.js were NPM_BUILD_OUTPUT_MISMATCH high). esbuild renames a name two bundled modules
 * both declare (`Immer2`, `isSet2`, `current2`), resolves a re-exported alias to its binding (`DRAFTABLE` where the
 * importing line says `immerable`: `export { DRAFTABLE as immerable }`), and writes its export glue without a mapping of
 * its own (`var X_exports = {}; __export(X_exports, { KEY: () => LOCAL })`, `0 && (module.exports = { KEY })`, the
 * ES module's last `export { LOCAL as KEY }`). The outputs below are what the real esbuild 0.20.2 from the npm registry
 * wrote for these sources (`--bundle --format=cjs --platform=node --sourcemap --sources-content=true` and
 * `--bundle --format=esm --sourcemap`), run once outside the repository; the test packs them with the real npm pack
 * from a real git tag. Twins: another binding exported under an exported name, a glue line that calls code, a
 * numbered name whose base the mapped source line lacks — each stays NPM_BUILD_OUTPUT_MISMATCH high.
 */
import { describe, expect, it } from 'vitest';
import { reexportAliases, unmappedCodeLines, decodeMappings } from '../../src/profiles/npm-dist.js';
import { npmReleaseMaker, editIn } from '../helpers/npm-pack.js';
import { tempDir } from '../helpers/tmp.js';

const SOURCES: Record<string, string> = {
  "src/index.ts": "import { Store, current } from \"./store\"\nimport { run } from \"./run\"\n\nexport { NOTHING as nothing, DRAFT as draftable } from \"./env\"\nexport { Store, current }\n\nconst store = new Store()\nexport const produce = (v: number) => run(store, v)\n",
  "src/env.ts": "export const NOTHING: unique symbol = Symbol.for(\"pkg-nothing\")\nexport const DRAFT: unique symbol = Symbol.for(\"pkg-draft\")\n",
  "src/store.ts": "import { draftable } from \"./index\"\n\nexport class Store {\n\tvalue = 0\n\tmark(obj: any) {\n\t\tif (draftable in obj) obj[draftable] = true\n\t\treturn obj\n\t}\n}\n\nexport function current(store: Store) {\n\treturn store.value\n}\n",
  "src/run.ts": "import type { Store } from \"./store\"\n\nexport function run(store: Store, v: number) {\n\tconst current = store.value + v\n\tlet Store = current > 1\n\tstore.value = current\n\treturn Store\n}\n",
};
/** What the real esbuild 0.20.2 wrote for SOURCES (entry src/index.ts), run once outside the repository. */
const ESBUILD_0_20_2: Record<string, string> = {
  "dist/index.cjs.js": "var __defProp = Object.defineProperty;\nvar __getOwnPropDesc = Object.getOwnPropertyDescriptor;\nvar __getOwnPropNames = Object.getOwnPropertyNames;\nvar __hasOwnProp = Object.prototype.hasOwnProperty;\nvar __export = (target, all) => {\n  for (var name in all)\n    __defProp(target, name, { get: all[name], enumerable: true });\n};\nvar __copyProps = (to, from, except, desc) => {\n  if (from && typeof from === \"object\" || typeof from === \"function\") {\n    for (let key of __getOwnPropNames(from))\n      if (!__hasOwnProp.call(to, key) && key !== except)\n        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });\n  }\n  return to;\n};\nvar __toCommonJS = (mod) => __copyProps(__defProp({}, \"__esModule\", { value: true }), mod);\n\n// src/index.ts\nvar src_exports = {};\n__export(src_exports, {\n  Store: () => Store,\n  current: () => current,\n  draftable: () => DRAFT,\n  nothing: () => NOTHING,\n  produce: () => produce\n});\nmodule.exports = __toCommonJS(src_exports);\n\n// src/store.ts\nvar Store = class {\n  value = 0;\n  mark(obj) {\n    if (DRAFT in obj)\n      obj[DRAFT] = true;\n    return obj;\n  }\n};\nfunction current(store2) {\n  return store2.value;\n}\n\n// src/run.ts\nfunction run(store2, v) {\n  const current2 = store2.value + v;\n  let Store2 = current2 > 1;\n  store2.value = current2;\n  return Store2;\n}\n\n// src/env.ts\nvar NOTHING = Symbol.for(\"pkg-nothing\");\nvar DRAFT = Symbol.for(\"pkg-draft\");\n\n// src/index.ts\nvar store = new Store();\nvar produce = (v) => run(store, v);\n// Annotate the CommonJS export names for ESM import in node:\n0 && (module.exports = {\n  Store,\n  current,\n  draftable,\n  nothing,\n  produce\n});\n//# sourceMappingURL=index.cjs.js.map\n",
  "dist/index.cjs.js.map": "{\n  \"version\": 3,\n  \"sources\": [\"../src/index.ts\", \"../src/store.ts\", \"../src/run.ts\", \"../src/env.ts\"],\n  \"sourcesContent\": [\"import { Store, current } from \\\"./store\\\"\\nimport { run } from \\\"./run\\\"\\n\\nexport { NOTHING as nothing, DRAFT as draftable } from \\\"./env\\\"\\nexport { Store, current }\\n\\nconst store = new Store()\\nexport const produce = (v: number) => run(store, v)\\n\", \"import { draftable } from \\\"./index\\\"\\n\\nexport class Store {\\n\\tvalue = 0\\n\\tmark(obj: any) {\\n\\t\\tif (draftable in obj) obj[draftable] = true\\n\\t\\treturn obj\\n\\t}\\n}\\n\\nexport function current(store: Store) {\\n\\treturn store.value\\n}\\n\", \"import type { Store } from \\\"./store\\\"\\n\\nexport function run(store: Store, v: number) {\\n\\tconst current = store.value + v\\n\\tlet Store = current > 1\\n\\tstore.value = current\\n\\treturn Store\\n}\\n\", \"export const NOTHING: unique symbol = Symbol.for(\\\"pkg-nothing\\\")\\nexport const DRAFT: unique symbol = Symbol.for(\\\"pkg-draft\\\")\\n\"],\n  \"mappings\": \";;;;;;;;;;;;;;;;;;;AAAA;AAAA;AAAA;AAAA;AAAA;AAAA;AAAA;AAAA;AAAA;;;ACEO,IAAM,QAAN,MAAY;AAAA,EAClB,QAAQ;AAAA,EACR,KAAK,KAAU;AACd,QAAI,SAAa;AAAK,UAAI,KAAS,IAAI;AACvC,WAAO;AAAA,EACR;AACD;AAEO,SAAS,QAAQA,QAAc;AACrC,SAAOA,OAAM;AACd;;;ACVO,SAAS,IAAIC,QAAc,GAAW;AAC5C,QAAMC,WAAUD,OAAM,QAAQ;AAC9B,MAAIE,SAAQD,WAAU;AACtB,EAAAD,OAAM,QAAQC;AACd,SAAOC;AACR;;;ACPO,IAAM,UAAyB,OAAO,IAAI,aAAa;AACvD,IAAM,QAAuB,OAAO,IAAI,WAAW;;;AHK1D,IAAM,QAAQ,IAAI,MAAM;AACjB,IAAM,UAAU,CAAC,MAAc,IAAI,OAAO,CAAC;\",\n  \"names\": [\"store\", \"store\", \"current\", \"Store\"]\n}\n",
  "dist/index.mjs": "// src/store.ts\nvar Store = class {\n  value = 0;\n  mark(obj) {\n    if (DRAFT in obj)\n      obj[DRAFT] = true;\n    return obj;\n  }\n};\nfunction current(store2) {\n  return store2.value;\n}\n\n// src/run.ts\nfunction run(store2, v) {\n  const current2 = store2.value + v;\n  let Store2 = current2 > 1;\n  store2.value = current2;\n  return Store2;\n}\n\n// src/env.ts\nvar NOTHING = Symbol.for(\"pkg-nothing\");\nvar DRAFT = Symbol.for(\"pkg-draft\");\n\n// src/index.ts\nvar store = new Store();\nvar produce = (v) => run(store, v);\nexport {\n  Store,\n  current,\n  DRAFT as draftable,\n  NOTHING as nothing,\n  produce\n};\n//# sourceMappingURL=index.mjs.map\n",
  "dist/index.mjs.map": "{\n  \"version\": 3,\n  \"sources\": [\"../src/store.ts\", \"../src/run.ts\", \"../src/env.ts\", \"../src/index.ts\"],\n  \"sourcesContent\": [\"import { draftable } from \\\"./index\\\"\\n\\nexport class Store {\\n\\tvalue = 0\\n\\tmark(obj: any) {\\n\\t\\tif (draftable in obj) obj[draftable] = true\\n\\t\\treturn obj\\n\\t}\\n}\\n\\nexport function current(store: Store) {\\n\\treturn store.value\\n}\\n\", \"import type { Store } from \\\"./store\\\"\\n\\nexport function run(store: Store, v: number) {\\n\\tconst current = store.value + v\\n\\tlet Store = current > 1\\n\\tstore.value = current\\n\\treturn Store\\n}\\n\", \"export const NOTHING: unique symbol = Symbol.for(\\\"pkg-nothing\\\")\\nexport const DRAFT: unique symbol = Symbol.for(\\\"pkg-draft\\\")\\n\", \"import { Store, current } from \\\"./store\\\"\\nimport { run } from \\\"./run\\\"\\n\\nexport { NOTHING as nothing, DRAFT as draftable } from \\\"./env\\\"\\nexport { Store, current }\\n\\nconst store = new Store()\\nexport const produce = (v: number) => run(store, v)\\n\"],\n  \"mappings\": \";AAEO,IAAM,QAAN,MAAY;AAAA,EAClB,QAAQ;AAAA,EACR,KAAK,KAAU;AACd,QAAI,SAAa;AAAK,UAAI,KAAS,IAAI;AACvC,WAAO;AAAA,EACR;AACD;AAEO,SAAS,QAAQA,QAAc;AACrC,SAAOA,OAAM;AACd;;;ACVO,SAAS,IAAIC,QAAc,GAAW;AAC5C,QAAMC,WAAUD,OAAM,QAAQ;AAC9B,MAAIE,SAAQD,WAAU;AACtB,EAAAD,OAAM,QAAQC;AACd,SAAOC;AACR;;;ACPO,IAAM,UAAyB,OAAO,IAAI,aAAa;AACvD,IAAM,QAAuB,OAAO,IAAI,WAAW;;;ACK1D,IAAM,QAAQ,IAAI,MAAM;AACjB,IAAM,UAAU,CAAC,MAAc,IAAI,OAAO,CAAC;\",\n  \"names\": [\"store\", \"store\", \"current\", \"Store\"]\n}\n",
};

const root = tempDir('distdiff-npm-esbuild-');
const release = npmReleaseMaker(root, {
  'package.json': JSON.stringify({ name: 'storelike', version: '1.0.0', main: 'dist/index.cjs.js', module: 'dist/index.mjs', files: ['dist'], scripts: { build: 'esbuild src/index.ts --bundle --format=cjs --platform=node --sourcemap --sources-content=true --outfile=dist/index.cjs.js && esbuild src/index.ts --bundle --format=esm --sourcemap --outfile=dist/index.mjs' }, devDependencies: { esbuild: '0.20.2' } }, null, 2) + '\n',
  ...SOURCES,
  '.gitignore': 'dist/\n',
}, 'v1.0.0', ESBUILD_0_20_2);

const CJS = 'dist/index.cjs.js';
const ESM = 'dist/index.mjs';

describe('esbuild bundles: renames, re-exported aliases, export glue', () => {
  it('both bundles as esbuild wrote them: NPM_BUILD_OUTPUT (source-map)', async () => {
    const at = await release();
    expect(at(CJS)).toMatchObject({ code: 'NPM_BUILD_OUTPUT', severity: 'info', evidence: { proof: 'source-map' } });
    expect(at(ESM)).toMatchObject({ code: 'NPM_BUILD_OUTPUT', severity: 'info', evidence: { proof: 'source-map' } });
  }, 60_000);

  it('twin: another binding exported under an exported name (ES module list) stays MISMATCH high', async () => {
    const at = await release(editIn(ESM, '  produce\n};', '  run as produce\n};'));
    expect(at(ESM)).toMatchObject({ code: 'NPM_BUILD_OUTPUT_MISMATCH', severity: 'high' });
    expect(at(CJS)).toMatchObject({ code: 'NPM_BUILD_OUTPUT', severity: 'info' });
  }, 60_000);

  it('twin: a CommonJS __export entry that calls code, or points at another binding, stays MISMATCH high', async () => {
    const at = await release(editIn(CJS, '  produce: () => produce\n', '  produce: () => require("child_process").exec\n'));
    expect(at(CJS)).toMatchObject({ code: 'NPM_BUILD_OUTPUT_MISMATCH', severity: 'high' });
    const other = await release(editIn(CJS, '  produce: () => produce\n', '  produce: () => run\n'));
    expect(other(CJS)).toMatchObject({ code: 'NPM_BUILD_OUTPUT_MISMATCH', severity: 'high' });
  }, 60_000);

  it('twin: a numbered name whose base the mapped source line lacks stays MISMATCH high', async () => {
    // `store.value = current` (run.ts) written with the other renamed binding, Store2
    const at = await release(editIn(CJS, '  store2.value = current2;', '  store2.value = Store2;'));
    expect(at(CJS)).toMatchObject({ code: 'NPM_BUILD_OUTPUT_MISMATCH', severity: 'high' });
  }, 60_000);

  it('a numbered name a source declares itself is matched as it is, not as a rename', () => {
    const source = 'export function a(x: number, x2: number) {\n  return x\n}\n';
    const lines = decodeMappings('AAAA;EACE')!;
    // line 2 maps to `return x`: x2 is a binding of the source, not esbuild's rename of x
    expect(unmappedCodeLines('function a(x, x2) {\n  return x2;\n}\n', lines, [source])).toEqual([2]);
    // a source without x2: the same line is esbuild's rename of x
    expect(unmappedCodeLines('function a(x, x2) {\n  return x2;\n}\n', lines, [source.replace(', x2: number', '')])).toEqual([]);
  });

  it('reexportAliases reads only `export { A as B }` lists', () => {
    expect([...reexportAliases(['export { NOTHING as nothing, DRAFT as draftable } from "./env"\nimport { x as y } from "z"\nexport { q }\n'])].map(([k, v]) => [k, [...v]])).toEqual([
      ['nothing', ['NOTHING']],
      ['draftable', ['DRAFT']],
    ]);
  });
});
