/**
 * The cron schedules CronJobs accept: robfig/cron's ParseStandard (five fields, or a descriptor
 * such as @hourly or "@every 1h30m"), with its error texts. Returns undefined for a valid
 * schedule, else the parser's message.
 */

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MONTHS: Readonly<Record<string, number>> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS: Readonly<Record<string, number>> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

/** minute, hour, day of month, month, day of week. */
const FIELDS: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: DAYS },
];

const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const GO_DURATION = /^([0-9]+(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$/;

function parseValue(text: string, bounds: Bounds): number | string {
  const named = bounds.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^[0-9]+$/.test(text)) return `failed to parse int from ${text}: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`;
  return Number(text);
}

/** One comma-separated part of a field: `*`, `?`, `a`, `a-b`, each optionally `/step`. */
function checkRange(expr: string, bounds: Bounds): string | undefined {
  const [rangePart = '', step, ...extra] = expr.split('/');
  if (extra.length > 0) return `too many slashes: ${expr}`;
  let start = bounds.min;
  let end = bounds.max;
  if (rangePart !== '*' && rangePart !== '?') {
    const [low = '', high, ...more] = rangePart.split('-');
    if (more.length > 0) return `too many hyphens: ${expr}`;
    const lowValue = parseValue(low, bounds);
    if (typeof lowValue === 'string') return lowValue;
    start = lowValue;
    end = lowValue;
    if (high !== undefined) {
      const highValue = parseValue(high, bounds);
      if (typeof highValue === 'string') return highValue;
      end = highValue;
    }
  }
  if (step !== undefined) {
    const stepValue = parseValue(step, { min: 0, max: 0 });
    if (typeof stepValue === 'string') return stepValue;
    if (stepValue === 0) return `step of range should be a positive number: ${expr}`;
  }
  if (start < bounds.min) return `beginning of range (${start}) below minimum (${bounds.min}): ${expr}`;
  if (end > bounds.max) return `end of range (${end}) above maximum (${bounds.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  return undefined;
}

export function cronScheduleError(schedule: string): string | undefined {
  let spec = schedule.trim();
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    const zone = spec.slice(spec.indexOf('=') + 1, space < 0 ? undefined : space);
    if (space < 0) return `provided bad location ${zone}: unknown time zone ${zone}`;
    spec = spec.slice(space).trim();
  }
  if (spec.startsWith('@')) {
    if (DESCRIPTORS.has(spec)) return undefined;
    if (spec.startsWith('@every ')) {
      const duration = spec.slice('@every '.length).trim();
      return GO_DURATION.test(duration) ? undefined : `failed to parse duration ${spec}: time: invalid duration ${JSON.stringify(duration)}`;
    }
    return `unrecognized descriptor: ${spec}`;
  }
  const fields = spec.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== FIELDS.length) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (const [i, field] of fields.entries()) {
    const bounds = FIELDS[i] as Bounds;
    for (const part of field.split(',')) {
      const err = checkRange(part, bounds);
      if (err !== undefined) return err;
    }
  }
  return undefined;
}
