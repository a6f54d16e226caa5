/**
 * apimachinery's duration.HumanDuration: a duration as `kubectl get` prints ages ("5s", "3m10s",
 * "47h", "2d1h", "2y1d"). Go truncates toward zero, so `Math.trunc` throughout.
 */
export function humanDuration(durationMs: number): string {
  const seconds = Math.trunc(durationMs / 1000);
  // Up to 2s in the future is tolerated as clock skew and printed as 0s.
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(durationMs / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(durationMs / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** The epoch milliseconds of an RFC 3339 timestamp, or undefined when absent or unparsable. */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Upstream's translateTimestampSince: the age of a timestamp, "<unknown>" when unset. */
export function timestampSince(value: unknown, nowMs: number): string {
  const ms = parseTimestamp(value);
  return ms === undefined ? '<unknown>' : humanDuration(nowMs - ms);
}

/** Go's `t.UTC().Format(time.RFC3339)` (seconds precision, "Z"); the zero time when unset. */
export function rfc3339(value: unknown): string {
  const ms = parseTimestamp(value);
  if (ms === undefined) return '0001-01-01T00:00:00Z';
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
