/**
 * A CSV reader with Go encoding/csv's rules (Comma ',', no comments, LazyQuotes false,
 * TrimLeadingSpace false, any number of fields per record), since kube-apiserver reads its
 * `--token-auth-file` with it:
 * - records end at "\n" or "\r\n"; empty lines are skipped;
 * - a field starting with `"` is quoted: `""` is a literal quote, and it may span lines;
 * - a `"` inside an unquoted field, or a quote in a quoted field not followed by `,` or the end of
 *   the line, is an error with its line and column, worded as Go's csv.ParseError.
 */

export interface CsvRecord {
  /** 1-based line the record starts on. */
  readonly line: number;
  readonly fields: readonly string[];
}

export class CsvParseError extends Error {
  readonly startLine: number;
  readonly line: number;
  readonly column: number;
  constructor(startLine: number, line: number, column: number, reason: string) {
    super(
      startLine === line
        ? `parse error on line ${line}, column ${column}: ${reason}`
        : `record on line ${startLine}; parse error on line ${line}, column ${column}: ${reason}`,
    );
    this.name = 'CsvParseError';
    this.startLine = startLine;
    this.line = line;
    this.column = column;
  }
}

const BARE_QUOTE = 'bare " in non-quoted-field';
const QUOTE = 'extraneous or missing " in quoted-field';

/** Every record of `text`. Throws CsvParseError. */
export function parseCsv(text: string): CsvRecord[] {
  const lines = splitLines(text);
  const records: CsvRecord[] = [];
  let index = 0;
  while (index < lines.length) {
    const startLine = index + 1;
    const first = lines[index] ?? '';
    if (first === '') {
      index++;
      continue;
    }
    const fields: string[] = [];
    let line = first;
    let lineNumber = startLine;
    let pos = 0;
    for (;;) {
      if (line[pos] !== '"') {
        // unquoted field up to the next comma
        const comma = line.indexOf(',', pos);
        const field = comma < 0 ? line.slice(pos) : line.slice(pos, comma);
        const quote = field.indexOf('"');
        if (quote >= 0) throw new CsvParseError(startLine, lineNumber, pos + quote + 1, BARE_QUOTE);
        fields.push(field);
        if (comma < 0) break;
        pos = comma + 1;
        continue;
      }
      // quoted field, possibly over several lines
      let field = '';
      pos++;
      for (;;) {
        const quote = line.indexOf('"', pos);
        if (quote < 0) {
          field += line.slice(pos);
          index++;
          if (index >= lines.length) {
            // EOF inside a quoted field
            throw new CsvParseError(startLine, lineNumber, line.length + 1, QUOTE);
          }
          field += '\n';
          line = lines[index] ?? '';
          lineNumber = index + 1;
          pos = 0;
          continue;
        }
        field += line.slice(pos, quote);
        const next = line[quote + 1];
        if (next === '"') {
          field += '"';
          pos = quote + 2;
          continue;
        }
        if (next === ',' || next === undefined) {
          pos = quote + 1;
          break;
        }
        throw new CsvParseError(startLine, lineNumber, quote + 2, QUOTE);
      }
      fields.push(field);
      if (line[pos] === ',') {
        pos++;
        continue;
      }
      break;
    }
    records.push({ line: startLine, fields });
    index++;
  }
  return records;
}

/** Lines without their terminators; a final terminator does not start another line. */
function splitLines(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
