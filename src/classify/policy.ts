/**
 * Policy file (`distdiff.config.json`): allowances with a written reason, severity overrides and the
 * default failure threshold. Validation is strict: a typo must not silently allow everything.
 *
 *   { "allow": [{ "path": "doc/api/**", "code": "GENERATED_DOCS", "reason": "Doxygen output" }],
 *     "severity": { "GIT_ONLY": "info" },
 *     "failOn": "high" }
 *
 * Allowed findings stay in the report, at severity info, with `allowed: { reason, originalSeverity }`.
 */
import { readFileSync } from 'node:fs';
import { ALL_CODES } from '../core/codes.js';
import { DistdiffError } from '../core/errors.js';
import type { Finding, FindingCode } from '../core/findings.js';
import { SEVERITIES, type Severity } from '../core/types.js';

export interface Allowance {
  /** Glob over prefix-stripped paths: `*`, `?`, `[…]`, `{a,b}`, `**` (any number of directories). */
  path: string;
  code?: FindingCode;
  reason: string;
}

export interface Policy {
  allow: Allowance[];
  severity: Partial<Record<FindingCode, Severity>>;
  failOn?: Severity;
  /** Where the policy was read from, for messages. */
  source?: string;
}

// ---------------------------------------------------------------------------------------------
// Globs

/**
 * Compile a glob to a RegExp anchored on the whole path. Semantics follow picomatch's defaults except
 * that wildcards also match names starting with a dot: `*` and `?` never cross '/', `**` as a whole
 * segment matches zero or more directories, `[...]`/`[!...]` are classes, `{a,b}` alternatives nest,
 * and `\` escapes the next character. A pattern without '/' matches only top-level paths (write
 * `**\/name` for any depth).
 */
export function globToRegExp(glob: string): RegExp {
  let i = 0;
  const parse = (inBrace: boolean): string => {
    let out = '';
    while (i < glob.length) {
      const c = glob[i]!;
      if (inBrace && (c === ',' || c === '}')) return out;
      if (c === '\\') {
        if (i + 1 >= glob.length) throw new Error('pattern ends with a backslash');
        out += escapeRe(glob[i + 1]!);
        i += 2;
      } else if (c === '*') {
        if (glob[i + 1] === '*') {
          const atStart = i === 0 || glob[i - 1] === '/';
          let j = i + 2;
          while (glob[j] === '*') j++;
          const atEnd = j >= glob.length || glob[j] === '/';
          if (atStart && atEnd) {
            if (glob[j] === '/') {
              out += '(?:[^/]*/)*';
              i = j + 1;
            } else {
              out += '.*';
              i = j;
            }
            continue;
          }
          out += '[^/]*';
          i = j;
          continue;
        }
        out += '[^/]*';
        i++;
      } else if (c === '?') {
        out += '[^/]';
        i++;
      } else if (c === '[') {
        const end = glob.indexOf(']', i + 2);
        if (end === -1) throw new Error('unclosed "[" in pattern');
        let body = glob.slice(i + 1, end);
        let neg = false;
        if (body.startsWith('!') || body.startsWith('^')) {
          neg = true;
          body = body.slice(1);
        }
        out += `[${neg ? '^/' : ''}${body.replace(/[\\\]]/g, '\\$&').replace(/^\^/, '\\^')}]`;
        i = end + 1;
      } else if (c === '{') {
        i++;
        const alts: string[] = [];
        for (;;) {
          alts.push(parse(true));
          if (i >= glob.length) throw new Error('unclosed "{" in pattern');
          if (glob[i] === '}') {
            i++;
            break;
          }
          i++; // ','
        }
        out += `(?:${alts.join('|')})`;
      } else {
        out += escapeRe(c);
        i++;
      }
    }
    return out;
  };
  const body = parse(false);
  return new RegExp(`^${body}$`);
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

export function globMatch(glob: string, path: string): boolean {
  return globToRegExp(glob).test(path);
}

// ---------------------------------------------------------------------------------------------
// Validation

const TOP_KEYS = new Set(['allow', 'severity', 'failOn']);
const ALLOW_KEYS = new Set(['path', 'code', 'reason']);
const CODE_SET: ReadonlySet<string> = new Set(ALL_CODES);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSeverity = (v: unknown): v is Severity => typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);

/** Validate a parsed policy object; `source` names the file in errors. */
export function parsePolicy(value: unknown, source = 'distdiff.config.json'): Policy {
  const fail = (problem: string, hint = 'see the "Policy file" section of the README'): never => {
    throw new DistdiffError('config', source, problem, hint);
  };
  if (!isObject(value)) fail('the policy must be a JSON object');
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) if (!TOP_KEYS.has(k)) fail(`unknown key "${k}"`, 'allowed keys: allow, severity, failOn');

  const allow: Allowance[] = [];
  if (obj.allow !== undefined) {
    if (!Array.isArray(obj.allow)) fail('"allow" must be an array');
    (obj.allow as unknown[]).forEach((a, n) => {
      const at = `allow[${n}]`;
      if (!isObject(a)) fail(`${at} must be an object`);
      const rec = a as Record<string, unknown>;
      for (const k of Object.keys(rec)) if (!ALLOW_KEYS.has(k)) fail(`${at}: unknown key "${k}"`, 'allowed keys: path, code, reason');
      if (typeof rec.path !== 'string' || rec.path.trim() === '') fail(`${at}: "path" must be a non-empty glob`);
      try {
        globToRegExp(rec.path as string);
      } catch (err) {
        fail(`${at}: bad glob ${JSON.stringify(rec.path)}: ${(err as Error).message}`);
      }
      if (typeof rec.reason !== 'string' || rec.reason.trim() === '')
        fail(`${at}: every allowance needs a non-empty "reason"`, 'write down why this difference is acceptable');
      if (rec.code !== undefined && (typeof rec.code !== 'string' || !CODE_SET.has(rec.code)))
        fail(`${at}: unknown finding code ${JSON.stringify(rec.code)}`, 'use a code from the "Finding codes" section of the README');
      allow.push({
        path: rec.path as string,
        reason: (rec.reason as string).trim(),
        ...(rec.code !== undefined ? { code: rec.code as FindingCode } : {}),
      });
    });
  }

  const severity: Partial<Record<FindingCode, Severity>> = {};
  if (obj.severity !== undefined) {
    if (!isObject(obj.severity)) fail('"severity" must be an object mapping codes to severities');
    for (const [code, sev] of Object.entries(obj.severity as Record<string, unknown>)) {
      if (!CODE_SET.has(code)) fail(`severity: unknown finding code "${code}"`, 'use a code from the "Finding codes" section of the README');
      if (!isSeverity(sev)) fail(`severity.${code}: ${JSON.stringify(sev)} is not a severity`, `use one of ${SEVERITIES.join(', ')}`);
      severity[code as FindingCode] = sev as Severity;
    }
  }

  let failOn: Severity | undefined;
  if (obj.failOn !== undefined) {
    if (!isSeverity(obj.failOn)) fail(`failOn: ${JSON.stringify(obj.failOn)} is not a severity`, `use one of ${SEVERITIES.join(', ')}`);
    failOn = obj.failOn as Severity;
  }
  return { allow, severity, ...(failOn ? { failOn } : {}), source };
}

/** Read and validate a policy file. */
export function loadPolicy(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DistdiffError('config', path, code === 'ENOENT' ? 'policy file not found' : `cannot read policy file (${code ?? 'error'})`, 'check the --config path');
  }
  return parsePolicyText(text, path);
}

/** A policy from JSON text; `source` names it in errors (a path, or the file's place in the repository). */
export function parsePolicyText(text: string, source: string, hint = 'fix the JSON syntax'): Policy {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DistdiffError('config', source, `not valid JSON: ${(err as Error).message}`, hint);
  }
  return parsePolicy(value, source);
}

/** Severity overrides first, then the first matching allowance downgrades to info with its reason. */
export function applyPolicy(findings: readonly Finding[], policy: Policy): Finding[] {
  const compiled = policy.allow.map((a) => ({ ...a, re: globToRegExp(a.path) }));
  return findings.map((f) => {
    let out: Finding = f;
    const override = policy.severity[f.code];
    if (override) out = { ...out, severity: override } as Finding;
    const a = compiled.find((x) => (x.code === undefined || x.code === f.code) && x.re.test(f.path));
    if (a) out = { ...out, severity: 'info', allowed: { reason: a.reason, originalSeverity: out.severity } } as Finding;
    return out;
  });
}
