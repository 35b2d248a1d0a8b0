#!/usr/bin/env node
// scripts/tamper-hugehelp.mjs FILE SCRIPT FROM TO — for scripts/evaluate's help-url variant (red team 25): replaces FROM
// by TO in the help text of curl's src/tool_hugehelp.c and writes the file again as mkhelp.pl would, both the string
// array and the gzip array (through distdiff's model of the tracked SCRIPT, checked first to reproduce the file as
// shipped), so that the only difference is the text. Needs a built dist/.
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { mkhelpOutputs } from '../dist/classify/help-text.js';

const [file, script, from, to] = process.argv.slice(2);
const shipped = readFileSync(file, 'latin1');
const sc = readFileSync(script, 'latin1');
const m = /static const unsigned char (\w+)\[\] = \{\n(?: {2}\/\*[\s\S]*?\*\/\n)?([\s\dA-Fa-fx,]*)\};\n/.exec(shipped);
if (!m) throw new Error(`${file}: no gzip array`);
const gz = Buffer.from((m[2].match(/0x[0-9a-f]{2}/g) ?? []).map((h) => parseInt(h, 16)));
const text = gunzipSync(gz).toString('latin1');
const was = mkhelpOutputs(sc, text, gz);
if (!was || !shipped.includes(was.plain) || !shipped.includes(was.compressed)) throw new Error(`${file}: the model does not reproduce the file`);
if (!text.includes(from)) throw new Error(`${file}: ${from} not in the help text`);
const changed = text.replace(from, to);
const now = mkhelpOutputs(sc, changed, gzipSync(Buffer.from(changed, 'latin1'), { level: 9 }));
writeFileSync(file, shipped.replace(was.plain, now.plain).replace(was.compressed, now.compressed), 'latin1');
