import { HistoryFormatError } from '../errors.js';
import { EVENT_TYPES, type EventType, type HistoryEvent } from './types.js';

/**
 * Reads a JSON Lines history. Blank lines are skipped; fields other than process, type, f, key,
 * value and time are ignored (Jepsen records more, such as an error or a node). Throws
 * HistoryFormatError naming `source` and the line for anything else.
 */
export function parseHistory(text: string, source: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  let start = 0;
  let lineNo = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNo++;
    const raw = text.slice(start, end);
    start = end + 1;
    if (raw.trim() === '') continue;
    events.push(parseEvent(raw, source, lineNo));
  }
  return events;
}

function parseEvent(raw: string, source: string, line: number): HistoryEvent {
  const fail = (detail: string): never => {
    throw new HistoryFormatError(source, line, detail);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    return fail(`invalid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail('expected a JSON object');
  const o = parsed as Record<string, unknown>;

  const process = o['process'];
  if (typeof process !== 'number' || !Number.isSafeInteger(process)) return fail('expected "process" to be an integer');
  const type = o['type'];
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    return fail(`expected "type" to be one of ${EVENT_TYPES.join('|')}`);
  }
  const f = o['f'];
  if (typeof f !== 'string' || f === '') return fail('expected "f" to be a non-empty string');
  const key = o['key'];
  if (key !== undefined && typeof key !== 'string' && !(typeof key === 'number' && Number.isSafeInteger(key))) {
    return fail('expected "key", when present, to be a string (or an integer)');
  }
  const time = o['time'];
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0) {
    return fail('expected "time" to be a non-negative integer (nanoseconds since the start)');
  }
  return {
    process,
    type: type as EventType,
    f,
    key: key === undefined ? undefined : String(key),
    value: o['value'],
    timeNs: time,
    line,
  };
}
