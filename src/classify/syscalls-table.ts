/**
 * libseccomp's src/arch-gperf-generate (bash), read, never run: what it writes to `syscalls.perf` in make's working
 * directory from its two arguments, the tracked syscalls.csv and syscalls.perf.template (its rule:
 * `${srcdir}/arch-gperf-generate ${srcdir}/syscalls.csv ${srcdir}/syscalls.perf.template`, no redirection).
 *
 * The script's pipeline, modelled step by step and applied only while its code lines are exactly one of the
 * spellings below (matchCode: one changed, added or removed line and the file stays unexplained):
 *
 *   cat CSV | grep -v '^#'       every line not starting with `#` (each ends with a newline)
 *   nl -ba -s, -v0               `%6d,` + the line, numbered from 0 (every line, empty ones too)
 *   sed s/^[[:space:]]\+\([0-9]\+\),\([^,]\+\),\(.*\)/\2,\1,\3/
 *                                the number moved behind the first field: NAME,N,REST
 *   sed :repeat; s|\([^,]\+\)\(.*\)[^_]PNR|\1\2,__PNR_\1|g; t repeat
 *                                every field `PNR` of REST replaced by `__PNR_NAME`, last to first
 *   sed s|,KV_|,SCMP_KV_|g        (libseccomp 2.6's spellings only) each `,KV_` → `,SCMP_KV_`
 *   sed /@@SYSCALLS_TABLE@@/r TMP; /@@SYSCALLS_TABLE@@/d
 *                                each template line naming the marker replaced by the table, the rest kept
 *
 * Input the model cannot follow exactly is refused (undefined: the file stays high), never approximated: a
 * byte outside printable ASCII and tab, a line nl reads as a section delimiter (`\:`), 100,000 or more
 * table lines (nl's 6-column number loses its leading blank), a table line the first sed leaves unchanged
 * (no comma, an empty first field), `PNR` anywhere but as a whole field after the name, an empty table,
 * a template without a final newline or without the marker.
 */
import { codeLines, matchCode, type CodeLine, type ReadInput, type ScriptModel } from './script-models.js';

const HEAD: readonly CodeLine[] = [
  'function exit_usage() {', 'echo "usage: $0 <syscall_csv_file> <gperf_template>"', 'exit 1', '}', '[[ ! -r "$1" || ! -r "$2" ]] && exit_usage',
  'sys_csv=$1', 'gperf_tmpl=$2', 'sys_csv_tmp=$(mktemp -t generate_syscalls_XXXXXX)', "cat $sys_csv | grep -v '^#' | nl -ba -s, -v0 | \\",
];
const TAIL: readonly CodeLine[] = [
  '> $sys_csv_tmp', '[[ $? -ne 0 ]] && exit 1', 'sed -e "/@@SYSCALLS_TABLE@@/r $sys_csv_tmp" \\', "-e '/@@SYSCALLS_TABLE@@/d' \\", '$gperf_tmpl > syscalls.perf',
  '[[ $? -ne 0 ]] && exit 1', 'rm -f $sys_csv_tmp', 'exit 0',
];
/** The sed program's spellings (libseccomp 2.5.x; 2.6.0's, which add the KV_ edit): the same three steps. */
const SEDS: readonly { kv: boolean; code: readonly string[] }[] = [
  { kv: false, code: ["sed -e 's/^[[:space:]]\\+\\([0-9]\\+\\),\\([^,]\\+\\),\\(.*\\)/\\2,\\1,\\3/' \\", "-e ':repeat; {s|\\([^,]\\+\\)\\(.*\\)[^_]PNR|\\1\\2,__PNR_\\1|g;}; t repeat' \\"] },
  { kv: true, code: ["sed -e '{s|^[[:space:]]\\+\\([0-9]\\+\\),\\([^,]\\+\\),\\(.*\\)|\\2,\\1,\\3|;};' \\", "-e '{:r1; {s|\\([^,]\\+\\)\\(.*\\)[^_]PNR|\\1\\2,__PNR_\\1|g;}; t r1};' \\", "-e '{s|,KV_|,SCMP_KV_|g;};' \\"] },
  { kv: true, code: ["sed -e '{s|^[[:space:]]\\+\\([0-9]\\+\\),\\([^,]\\+\\),\\(.*\\)|\\2,\\1,\\3|;};' \\", "-e '{:r1; {s|\\([^,]\\+\\)\\(.*\\)[^_]PNR|\\1\\2,__PNR_\\1|g;}; t r1;};' \\", "-e '{s|,KV_|,SCMP_KV_|g;};' \\"] },
];

/** The spelling of the sed program the script carries (with the KV_ edit or not), or undefined when its code is not one the model stands for. */
export function scriptSpelling(script: string): { kv: boolean } | undefined {
  const code = codeLines(script);
  const s = SEDS.find((v) => matchCode(code, [...HEAD, ...v.code, ...TAIL]));
  return s ? { kv: s.kv } : undefined;
}

const MARKER = '@@SYSCALLS_TABLE@@';
const PRINTABLE = /^[\t\x20-\x7e]*$/;

/** The table the pipeline writes to its temporary file from the csv's text, or undefined where the model refuses. */
export function syscallTable(csv: string, kv: boolean): string | undefined {
  if (csv === '') return undefined;
  // grep reads lines; a last line without its newline is still a line (and gains one)
  const lines = (csv.endsWith('\n') ? csv.slice(0, -1) : csv).split('\n').filter((l) => !l.startsWith('#'));
  if (lines.length === 0 || lines.length >= 100_000) return undefined;
  let out = '';
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (!PRINTABLE.test(line) || line.startsWith('\\:')) return undefined;
    const comma = line.indexOf(',');
    if (comma <= 0) return undefined;
    const name = line.slice(0, comma);
    const rest = line.slice(comma + 1).split(',');
    if (name.includes('PNR') || rest.some((f) => f !== 'PNR' && f.includes('PNR'))) return undefined;
    let row = [name, String(n), ...rest.map((f) => (f === 'PNR' ? `__PNR_${name}` : f))].join(',');
    if (kv) row = row.split(',KV_').join(',SCMP_KV_');
    out += `${row}\n`;
  }
  return out;
}

/** syscalls.perf: the template with each marker line replaced by the table. */
export function syscallsPerf(script: string, csv: string, template: string): string | undefined {
  const spelling = scriptSpelling(script);
  if (!spelling || !template.endsWith('\n') || !PRINTABLE.test(template.replace(/\n/g, ''))) return undefined;
  const table = syscallTable(csv, spelling.kv);
  const lines = template.slice(0, -1).split('\n');
  if (table === undefined || !lines.some((l) => l.includes(MARKER))) return undefined;
  return lines.map((l) => (l.includes(MARKER) ? table : `${l}\n`)).join('');
}

export const syscallsPerfModel: ScriptModel = {
  id: 'arch-gperf-generate',
  fingerprint: ['nl -ba -s, -v0', '/@@SYSCALLS_TABLE@@/r $sys_csv_tmp', '$gperf_tmpl > syscalls.perf'],
  writes: 'syscalls.perf',
  async render(script, args, _name, input: ReadInput) {
    if (args.length !== 2) return undefined;
    const [csv, template] = [await input(args[0]!), await input(args[1]!)];
    if (!csv || !template) return undefined;
    const text = syscallsPerf(script, csv.text, template.text);
    return text === undefined ? undefined : { inputs: [csv.path, template.path], text };
  },
};
