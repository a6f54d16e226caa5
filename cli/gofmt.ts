/**
 * Go's formatting, as etcdctl's output uses it: %q quoting, encoding/json strings, go-humanize
 * byte sizes, time.Duration strings, and olekukonko/tablewriter tables. Each matches Go byte for
 * byte for the values etcdctl prints.
 */

const HEX = '0123456789abcdef';

/** `%x` of a 64-bit id. */
export function hexId(id: bigint): string {
  return BigInt.asUintN(64, id).toString(16);
}

/** `%016x` (lease ids). */
export function hex016(id: bigint): string {
  return hexId(id).padStart(16, '0');
}

/** `%16x` (member and cluster ids in etcdctl's member messages): space-padded. */
export function hex16(id: bigint): string {
  return hexId(id).padStart(16, ' ');
}

/** A UTF-8 decoder that reports invalid bytes, as Go's utf8.DecodeRune does. */
function decodeRune(b: Uint8Array, i: number): { rune: number; size: number } {
  const c0 = b[i]!;
  if (c0 < 0x80) return { rune: c0, size: 1 };
  const bad = { rune: -1, size: 1 };
  const cont = (j: number): number => {
    const c = b[i + j];
    return c !== undefined && (c & 0xc0) === 0x80 ? c & 0x3f : -1;
  };
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    const c1 = cont(1);
    return c1 < 0 ? bad : { rune: ((c0 & 0x1f) << 6) | c1, size: 2 };
  }
  if (c0 >= 0xe0 && c0 <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 < 0 || c2 < 0) return bad;
    const r = ((c0 & 0x0f) << 12) | (c1 << 6) | c2;
    if (r < 0x800 || (r >= 0xd800 && r <= 0xdfff)) return bad;
    return { rune: r, size: 3 };
  }
  if (c0 >= 0xf0 && c0 <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 < 0 || c2 < 0 || c3 < 0) return bad;
    const r = ((c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    if (r < 0x10000 || r > 0x10ffff) return bad;
    return { rune: r, size: 4 };
  }
  return bad;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function isPrint(rune: number): boolean {
  if (rune === 0x20) return true;
  if (rune < 0x20 || rune === 0x7f) return false;
  return PRINTABLE.test(String.fromCodePoint(rune));
}

const QUOTE_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v', 0x5c: '\\\\', 0x22: '\\"' };

/** Go's %q (strconv.Quote) of a string or raw bytes. */
export function goQuote(s: string | Uint8Array): string {
  const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  let out = '"';
  for (let i = 0; i < b.length; ) {
    const { rune, size } = decodeRune(b, i);
    if (rune < 0) {
      const c = b[i]!;
      out += `\\x${HEX[c >> 4]}${HEX[c & 15]}`;
    } else if (QUOTE_ESCAPES[rune] !== undefined) {
      out += QUOTE_ESCAPES[rune];
    } else if (isPrint(rune)) {
      out += String.fromCodePoint(rune);
    } else if (rune < 0x80) {
      out += `\\x${HEX[rune >> 4]}${HEX[rune & 15]}`;
    } else if (rune < 0x10000) {
      out += `\\u${rune.toString(16).padStart(4, '0')}`;
    } else {
      out += `\\U${rune.toString(16).padStart(8, '0')}`;
    }
    i += size;
  }
  return `${out}"`;
}

/** A JSON value as Go's encoding/json writes it; bigints are exact integers, Buffers base64. */
export type GoJson = string | number | bigint | boolean | null | Buffer | readonly GoJson[] | { readonly [k: string]: GoJson | undefined };

function jsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** encoding/json.Marshal: keys in insertion order; undefined fields are left out. */
export function goJson(v: GoJson | undefined): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return jsonString(v);
  if (typeof v === 'number' || typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Buffer.isBuffer(v)) return jsonString(v.toString('base64'));
  if (Array.isArray(v)) return `[${(v as readonly GoJson[]).map(goJson).join(',')}]`;
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v as Record<string, GoJson | undefined>)) if (x !== undefined) parts.push(`${jsonString(k)}:${goJson(x)}`);
  return `{${parts.join(',')}}`;
}

/** go-humanize's Bytes: SI units, one decimal below 10. */
export function humanizeBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const sizes = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const val = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  if (val < 10) return `${val.toFixed(1)} ${sizes[e]}`;
  // Go's %.0f rounds an exact half to even (20.5 → "20"), JavaScript's toFixed away from zero.
  const whole = Math.abs(val - Math.trunc(val)) === 0.5 ? 2 * Math.round(val / 2) : Math.round(val);
  return `${whole} ${sizes[e]}`;
}

function fracDigits(v: bigint, unit: bigint, digits: number): string {
  const whole = v / unit;
  const frac = (v % unit).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac.length === 0 ? whole.toString() : `${whole}.${frac}`;
}

/** time.Duration.String() of a duration in nanoseconds. */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  const u = neg ? -ns : ns;
  let s: string;
  if (u < 1000n) s = `${u}ns`;
  else if (u < 1_000_000n) s = `${fracDigits(u, 1000n, 3)}µs`;
  else if (u < 1_000_000_000n) s = `${fracDigits(u, 1_000_000n, 6)}ms`;
  else {
    const h = u / 3_600_000_000_000n;
    const m = (u / 60_000_000_000n) % 60n;
    const sec = fracDigits(u % 60_000_000_000n, 1_000_000_000n, 9);
    s = h > 0n ? `${h}h${m}m${sec}s` : m > 0n ? `${m}m${sec}s` : `${sec}s`;
  }
  return neg ? `-${s}` : s;
}

// --- tablewriter ---------------------------------------------------------------------------------

const MAX_CELL_WIDTH = 30;
const WRAP_PENALTY = 1e5;

function width(s: string): number {
  return [...s].length;
}

/** tablewriter's WrapWords: a minimum-raggedness split of words into lines of at most `lim`. */
function wrapWords(words: string[], lim: number): string[][] {
  const n = words.length;
  const length: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = new Array<number>(n).fill(0);
    row[i] = width(words[i]!);
    for (let j = i + 1; j < n; j++) row[j] = row[j - 1]! + 1 + width(words[j]!);
    length.push(row);
  }
  const nbrk = new Array<number>(n).fill(0);
  const cost = new Array<number>(n).fill(2 ** 31 - 1);
  for (let i = n - 1; i >= 0; i--) {
    if (length[i]![n - 1]! <= lim) {
      cost[i] = 0;
      nbrk[i] = n;
    } else {
      for (let j = i + 1; j < n; j++) {
        const d = lim - length[i]![j - 1]!;
        let c = d * d + cost[j]!;
        if (length[i]![j - 1]! > lim) c += WRAP_PENALTY;
        if (c < cost[i]!) {
          cost[i] = c;
          nbrk[i] = j;
        }
      }
    }
  }
  const lines: string[][] = [];
  for (let i = 0; i < n; i = nbrk[i]!) lines.push(words.slice(i, nbrk[i]));
  return lines;
}

/** A cell's lines, wrapped as tablewriter's parseDimension does with auto-wrap on. */
function cellLines(s: string): string[] {
  const raw = s.split('\n');
  let maxWidth = Math.max(...raw.map(width));
  if (maxWidth > MAX_CELL_WIDTH) maxWidth = MAX_CELL_WIDTH;
  const out: string[] = [];
  raw.forEach((para, i) => {
    const words = para.split(' ');
    let lim = maxWidth;
    for (const w of words) lim = Math.max(lim, width(w));
    if (i > 0) out.push(' ');
    for (const line of wrapWords(words, lim)) out.push(line.join(' '));
  });
  return out;
}

function padCenter(s: string, w: number): string {
  const gap = w - width(s);
  if (gap <= 0) return s;
  const left = Math.floor(gap / 2);
  return ' '.repeat(left) + s + ' '.repeat(gap - left);
}

function padLeft(s: string, w: number): string {
  return ' '.repeat(Math.max(0, w - width(s))) + s;
}

/** tablewriter with etcdctl's settings: upper-case centred header, right-aligned cells, borders. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = header.map((h) => h.replace(/_/g, ' ').trim().toUpperCase());
  const cells = rows.map((r) => r.map(cellLines));
  const widths = head.map((h, i) => Math.max(width(h), ...cells.map((r) => Math.max(...(r[i] ?? ['']).map(width)))));
  const border = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+\n`;
  let out = border;
  out += `|${head.map((h, i) => ` ${padCenter(h, widths[i]!)} `).join('|')}|\n`;
  out += border;
  for (const r of cells) {
    const height = Math.max(...r.map((c) => c.length));
    for (let line = 0; line < height; line++) {
      out += `|${widths.map((w, i) => ` ${padLeft(r[i]?.[line] ?? '', w)} `).join('|')}|\n`;
    }
  }
  out += border;
  return out;
}
