/**
 * etcdctl's txn input: lines of compares, a blank line, success requests, a blank line, failure
 * requests, a blank line. Compares are `target("key") op "value"`; requests are put/get/del command
 * lines with their flags. Quoted strings are Go string literals; text is kept as raw bytes.
 */
import { readSync } from 'node:fs';
import { Compare, Op, type Comparison, type Operation } from '../kvstore/client/index.js';
import { CliError, ExitCode, parseFlags, parseGoInt } from './client_flags.js';
import { goQuote } from './gofmt.js';
import { DEL_FLAGS, delOp, GET_FLAGS, getOp, PUT_FLAGS, putOp, type ToBytes } from './kv_ops.js';

/** Raw bytes carried in a JS string, one char per byte. */
const raw: ToBytes = (s) => Buffer.from(s, 'latin1');

/** Reads standard input a line at a time, blocking (so -i prompts come before each section). */
export class StdinLines {
  private buf = Buffer.alloc(0);
  private eof = false;

  /** The next line with its '\n' (as a latin1 string), or throws "EOF" when input ends without one. */
  readLine(): string {
    for (;;) {
      const nl = this.buf.indexOf(0x0a);
      if (nl >= 0) {
        const line = this.buf.subarray(0, nl + 1).toString('latin1');
        this.buf = this.buf.subarray(nl + 1);
        return line;
      }
      if (this.eof) throw new CliError(ExitCode.INVALID_INPUT, 'EOF');
      const chunk = Buffer.alloc(64 * 1024);
      let n: number;
      try {
        n = readSync(0, chunk, 0, chunk.length, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
          continue;
        }
        if (code === 'EOF') n = 0;
        else throw err;
      }
      if (n === 0) this.eof = true;
      else this.buf = Buffer.concat([this.buf, chunk.subarray(0, n)]);
    }
  }
}

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 0x5c, '"': 0x22 };

/** strconv.Unquote of a double-quoted Go literal (without the quotes), to raw bytes. */
function unquoteBody(body: string): string | undefined {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      if (c === '"' || c === '\n') return undefined;
      out.push(c.charCodeAt(0) & 0xff);
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out.push(simple);
    } else if (e === 'x') {
      const h = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return undefined;
      out.push(parseInt(h, 16));
      i += 2;
    } else if (/[0-7]/.test(e)) {
      const o = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(o) || parseInt(o, 8) > 255) return undefined;
      out.push(parseInt(o, 8));
      i += 2;
    } else if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8;
      const h = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(h)) return undefined;
      const cp = parseInt(h, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
      out.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
      i += len;
    } else {
      return undefined;
    }
  }
  return Buffer.from(out).toString('latin1');
}

/** fmt's %q verb while scanning: skips spaces, then reads a "..." or `...` literal. */
function scanQuoted(s: string, pos: number): { value: string; end: number } | undefined {
  let i = pos;
  while (s[i] === ' ' || s[i] === '\t') i++;
  if (s[i] === '`') {
    const close = s.indexOf('`', i + 1);
    return close < 0 ? undefined : { value: s.slice(i + 1, close), end: close + 1 };
  }
  if (s[i] !== '"') return undefined;
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === '\\') {
      j++;
      continue;
    }
    if (s[j] === '"') {
      const value = unquoteBody(s.slice(i + 1, j));
      return value === undefined ? undefined : { value, end: j + 1 };
    }
  }
  return undefined;
}

const OPERATORS = new Set(['=', '==', '!=', '>', '<']);

/** etcdctl's ParseCompare. */
export function parseCompare(line: string): Comparison {
  const lp = line.indexOf('(');
  if (lp < 0) throw new CliError(ExitCode.INVALID_INPUT, `malformed comparison: ${line}`);
  const target = line.slice(0, lp);
  const rest = line.slice(lp + 1);
  let key = '';
  let op = '';
  let val = '';
  let n = 0;
  const k = scanQuoted(rest, 0);
  if (k !== undefined && rest[k.end] === ')') {
    key = k.value;
    n = 1;
    let i = k.end + 1;
    while (rest[i] === ' ' || rest[i] === '\t') i++;
    const m = /^\S+/.exec(rest.slice(i));
    if (m !== null) {
      op = m[0];
      n = 2;
      const v = scanQuoted(rest, i + op.length);
      if (v !== undefined) {
        val = v.value;
        n = 3;
      }
    }
  } else if (k !== undefined) {
    key = k.value;
  }
  if (n !== 3) throw new CliError(ExitCode.INVALID_INPUT, `malformed comparison: ${line}; got ${target}(${goQuote(raw(key) as Buffer)}) ${op} ${goQuote(raw(val) as Buffer)}`);
  if (!OPERATORS.has(op)) throw new CliError(ExitCode.INVALID_INPUT, `malformed comparison: ${line} (unknown operator ${op})`);
  const cmpOp = op as '=' | '==' | '!=' | '>' | '<';
  const int = (base: number): number => {
    try {
      return Number(parseGoInt(val, base));
    } catch {
      throw new CliError(ExitCode.INVALID_INPUT, `invalid txn compare request: ${line}`);
    }
  };
  const keyBytes = raw(key);
  switch (target) {
    case 'ver':
    case 'version':
      return Compare.version(keyBytes, cmpOp, int(10));
    case 'c':
    case 'create':
      return Compare.createRevision(keyBytes, cmpOp, int(10));
    case 'm':
    case 'mod':
      return Compare.modRevision(keyBytes, cmpOp, int(10));
    case 'val':
    case 'value':
      return Compare.value(keyBytes, cmpOp, raw(val));
    case 'lease':
      return Compare.lease(keyBytes, cmpOp, int(16));
    default:
      throw new CliError(ExitCode.INVALID_INPUT, `malformed comparison: ${line} (unknown target ${target})`);
  }
}

/** etcdctl's argify: words, "Go-quoted" and 'single-quoted' strings. */
export function argify(line: string): string[] {
  const re = /"(?:[^"\\]|\\.)*"|'[^']*'|[^'"\s]\S*[^'"\s]?/g;
  const args = line.match(re) ?? [];
  return args.map((a) => {
    if (a.startsWith("'")) return a.slice(1, -1);
    if (a.startsWith('"')) {
      const v = unquoteBody(a.slice(1, -1));
      if (v === undefined) throw new CliError(ExitCode.INVALID_INPUT, 'invalid syntax');
      return v;
    }
    return a;
  });
}

/** etcdctl's parseRequestUnion: one put/get/del line of a txn branch. */
export function parseRequest(line: string): Operation {
  const args = argify(line);
  if (args.length < 2) throw new CliError(ExitCode.INVALID_INPUT, `invalid txn compare request: ${line}`);
  const [cmd, ...rest] = args as [string, ...string[]];
  const specs = cmd === 'put' ? PUT_FLAGS : cmd === 'get' ? GET_FLAGS : cmd === 'del' ? DEL_FLAGS : undefined;
  if (specs === undefined) throw new CliError(ExitCode.INVALID_INPUT, `invalid txn request: ${line}`);
  let f;
  try {
    f = parseFlags(rest, specs);
  } catch {
    throw new CliError(ExitCode.INVALID_INPUT, `invalid txn request: ${line}`);
  }
  if (cmd === 'put') {
    const p = putOp(f.positionals, f, raw, undefined);
    return Op.put(p.key, p.value, p.opts);
  }
  if (cmd === 'get') {
    const g = getOp(f.positionals, f, raw);
    return Op.get(g.key, g.opts);
  }
  const d = delOp(f.positionals, f, raw);
  return Op.delete(d.key, d.opts);
}

export interface TxnInput {
  readonly compare: Comparison[];
  readonly success: Operation[];
  readonly failure: Operation[];
}

/** Reads a whole txn from standard input; `interactive` prints etcdctl's prompts. */
export function readTxn(lines: StdinLines, interactive: boolean): TxnInput {
  const prompt = (s: string): void => {
    if (interactive) process.stdout.write(`${s}\n`);
  };
  const section = <T>(parse: (line: string) => T): T[] => {
    const out: T[] = [];
    for (;;) {
      const line = lines.readLine().trim();
      if (line.length === 0) return out;
      out.push(parse(line));
    }
  };
  prompt('compares:');
  const compare = section(parseCompare);
  prompt('success requests (get, put, del):');
  const success = section(parseRequest);
  prompt('failure requests (get, put, del):');
  const failure = section(parseRequest);
  return { compare, success, failure };
}
