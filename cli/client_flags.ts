/**
 * What every etcdctl-shaped command shares: flag parsing with pflag's rules, the global flags
 * (--endpoints, -w, timeouts), etcdctl's exit codes and "Error: ..." reporting, the client, and
 * Go's integer and duration parsing with Go's error messages.
 */
import { KetchClient, KetchClientError } from '../kvstore/client/index.js';
import { goQuote } from './gofmt.js';

/** etcdctl's exit codes (ctlv3/command/error.go). */
export const ExitCode = {
  SUCCESS: 0,
  ERROR: 1,
  BAD_CONNECTION: 2,
  INVALID_INPUT: 3,
  BAD_FEATURE: 4,
  INTERRUPTED: 5,
  IO: 6,
  BAD_ARGS: 128,
} as const;

/** A command failure: printed as etcdctl prints it ("Error: <message>") with its exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** grpc-go's names of the status codes, as its errors print them. */
const GO_CODES = [
  'OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied',
  'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated',
];

/** The message etcdctl shows for a client error: etcd's own, or Go's context deadline. */
export function clientErrorMessage(err: unknown): string {
  if (err instanceof KetchClientError) {
    if (err.code === 'DEADLINE_EXCEEDED' || err.code === 'UNAVAILABLE') return 'context deadline exceeded';
    if (err.etcdMessage !== undefined) return err.etcdMessage;
    if (err.grpcCode !== undefined && err.grpcDetails !== undefined) return `rpc error: code = ${GO_CODES[err.grpcCode] ?? `Code(${err.grpcCode})`} desc = ${err.grpcDetails}`;
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

// --- Go parsing ----------------------------------------------------------------------------------

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

/** strconv.ParseInt / ParseUint (64-bit) with Go's errors. base 0 honours 0x, 0o, 0b and 0 prefixes. */
export function parseGoInt(s: string, base: number, unsigned = false): bigint {
  const fn = unsigned ? 'ParseUint' : 'ParseInt';
  const syntax = (): CliError => new CliError(ExitCode.ERROR, `strconv.${fn}: parsing ${goQuote(s)}: invalid syntax`);
  let rest = s;
  let neg = false;
  if (!unsigned && (rest.startsWith('+') || rest.startsWith('-'))) {
    neg = rest.startsWith('-');
    rest = rest.slice(1);
  }
  let b = base;
  if (b === 0) {
    b = 10;
    if (/^0[xX]/.test(rest)) [b, rest] = [16, rest.slice(2)];
    else if (/^0[bB]/.test(rest)) [b, rest] = [2, rest.slice(2)];
    else if (/^0[oO]/.test(rest)) [b, rest] = [8, rest.slice(2)];
    else if (rest.length > 1 && rest.startsWith('0')) [b, rest] = [8, rest.slice(1)];
    if (/^_|__|_$/.test(rest)) throw syntax();
    rest = rest.replace(/_/g, '');
  }
  if (rest.length === 0) throw syntax();
  let v = 0n;
  const bb = BigInt(b);
  for (const ch of rest.toLowerCase()) {
    const d = DIGITS.indexOf(ch);
    if (d < 0 || d >= b) throw syntax();
    v = v * bb + BigInt(d);
  }
  const max = unsigned ? 2n ** 64n - 1n : neg ? 2n ** 63n : 2n ** 63n - 1n;
  if (v > max) throw new CliError(ExitCode.ERROR, `strconv.${fn}: parsing ${goQuote(s)}: value out of range`);
  return neg ? -v : v;
}

const UNITS_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** time.ParseDuration, in milliseconds. */
export function parseGoDuration(s: string): number {
  const invalid = (): CliError => new CliError(ExitCode.ERROR, `time: invalid duration ${goQuote(s)}`);
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  let totalNs = 0;
  while (rest.length > 0) {
    const m = /^(\d*)(\.\d*)?/.exec(rest);
    const numText = (m?.[1] ?? '') + (m?.[2] ?? '');
    if (numText === '' || numText === '.') throw invalid();
    rest = rest.slice(numText.length);
    const unit = /^[^\d.]*/.exec(rest)?.[0] ?? '';
    if (unit === '') throw new CliError(ExitCode.ERROR, `time: missing unit in duration ${goQuote(s)}`);
    const mult = UNITS_NS[unit];
    if (mult === undefined) throw new CliError(ExitCode.ERROR, `time: unknown unit ${goQuote(unit)} in duration ${goQuote(s)}`);
    rest = rest.slice(unit.length);
    totalNs += Number(numText) * mult;
  }
  return (sign * totalNs) / 1e6;
}

// --- flags (pflag's rules) -------------------------------------------------------------------------

export type FlagType = 'bool' | 'string' | 'int' | 'duration' | 'strings';

export interface FlagSpec {
  readonly type: FlagType;
  readonly short?: string;
  readonly default?: string;
  /** Global flags may be set from ETCDCTL_<NAME> (as etcdctl). */
  readonly env?: boolean;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export interface ParsedFlags {
  readonly values: Map<string, string[]>;
  readonly changed: Set<string>;
  readonly positionals: string[];
}

function validate(name: string, spec: FlagSpec, value: string, display: string): void {
  try {
    if (spec.type === 'int') parseGoInt(value, 0);
    else if (spec.type === 'duration') parseGoDuration(value);
    else if (spec.type === 'bool' && !/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(value)) {
      throw new CliError(ExitCode.ERROR, `strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax`);
    }
  } catch (err) {
    throw new CliError(ExitCode.ERROR, `invalid argument ${goQuote(value)} for "${display}" flag: ${(err as Error).message}`);
  }
  void name;
}

/** Parses args as pflag does: interspersed positionals, --flag=v, --flag v, -f v, -fv, bool -f, and `--`. */
export function parseFlags(args: readonly string[], specs: FlagSpecs): ParsedFlags {
  const values = new Map<string, string[]>();
  const changed = new Set<string>();
  const positionals: string[] = [];
  const shorts = new Map(Object.entries(specs).flatMap(([n, s]) => (s.short === undefined ? [] : [[s.short, n] as const])));
  const set = (name: string, value: string, display: string): void => {
    const spec = specs[name]!;
    validate(name, spec, value, display);
    const prev = changed.has(name) ? (values.get(name) ?? []) : [];
    values.set(name, spec.type === 'strings' ? [...prev, ...value.split(',').filter((v) => v.length > 0)] : [value]);
    changed.add(name);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const spec = specs[name];
      if (spec === undefined) throw new CliError(ExitCode.ERROR, `unknown flag: --${name}`);
      const display = spec.short === undefined ? `--${name}` : `-${spec.short}, --${name}`;
      if (eq >= 0) set(name, a.slice(eq + 1), display);
      else if (spec.type === 'bool') set(name, 'true', display);
      else {
        if (i + 1 >= args.length) throw new CliError(ExitCode.ERROR, `flag needs an argument: --${name}`);
        set(name, args[++i]!, display);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && a !== '--') {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const name = shorts.get(c);
        if (name === undefined) throw new CliError(ExitCode.ERROR, `unknown shorthand flag: '${c}' in ${a}`);
        const spec = specs[name]!;
        const display = `-${c}, --${name}`;
        if (a[j + 1] === '=') {
          set(name, a.slice(j + 2), display);
          break;
        }
        if (spec.type === 'bool') {
          set(name, 'true', display);
          continue;
        }
        if (j + 1 < a.length) set(name, a.slice(j + 1), display);
        else {
          if (i + 1 >= args.length) throw new CliError(ExitCode.ERROR, `flag needs an argument: '${c}' in -${c}`);
          set(name, args[++i]!, display);
        }
        break;
      }
      continue;
    }
    positionals.push(a);
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (changed.has(name)) continue;
    const envName = `ETCDCTL_${name.toUpperCase().replace(/-/g, '_')}`;
    const env = spec.env === true ? process.env[envName] : undefined;
    if (env !== undefined && env !== '') set(name, env, `--${name}`);
    else if (spec.default !== undefined) values.set(name, spec.type === 'strings' ? spec.default.split(',') : [spec.default]);
  }
  return { values, changed, positionals };
}

export function flagString(f: ParsedFlags, name: string): string {
  return f.values.get(name)?.[0] ?? '';
}

export function flagBool(f: ParsedFlags, name: string): boolean {
  return /^(1|t|T|TRUE|true|True)$/.test(flagString(f, name));
}

export function flagInt(f: ParsedFlags, name: string): bigint {
  const v = flagString(f, name);
  return v === '' ? 0n : parseGoInt(v, 0);
}

export function flagDurationMs(f: ParsedFlags, name: string): number {
  return parseGoDuration(flagString(f, name) || '0');
}

/** etcdctl's global flags; the TLS and auth ones are accepted and must be left empty. */
export const GLOBAL_FLAGS: FlagSpecs = {
  endpoints: { type: 'strings', default: '127.0.0.1:2379', env: true },
  'write-out': { type: 'string', short: 'w', default: 'simple', env: true },
  'dial-timeout': { type: 'duration', default: '2s', env: true },
  'command-timeout': { type: 'duration', default: '5s', env: true },
  'keepalive-time': { type: 'duration', default: '2s', env: true },
  'keepalive-timeout': { type: 'duration', default: '6s', env: true },
  hex: { type: 'bool', default: 'false', env: true },
  debug: { type: 'bool', default: 'false' },
  'insecure-transport': { type: 'bool', default: 'true' },
  'insecure-skip-tls-verify': { type: 'bool', default: 'false' },
  'insecure-discovery': { type: 'bool', default: 'true' },
  cacert: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  'discovery-srv': { type: 'string', short: 'd' },
  'discovery-srv-name': { type: 'string' },
  help: { type: 'bool', short: 'h', default: 'false' },
};

export type OutputFormat = 'simple' | 'json' | 'fields' | 'table';

export interface GlobalOptions {
  readonly endpoints: string[];
  readonly writeOut: OutputFormat;
  readonly dialTimeoutMs: number;
  readonly commandTimeoutMs: number;
  readonly isHex: boolean;
}

export function globalOptions(f: ParsedFlags): GlobalOptions {
  for (const name of ['cacert', 'cert', 'key', 'user', 'password', 'discovery-srv']) {
    if (flagString(f, name) !== '') throw new CliError(ExitCode.BAD_ARGS, `--${name} is not supported by ketch (no TLS, auth or DNS discovery)`);
  }
  const w = flagString(f, 'write-out');
  if (w !== 'simple' && w !== 'json' && w !== 'fields' && w !== 'table') throw new CliError(ExitCode.BAD_FEATURE, 'unsupported output format');
  return {
    endpoints: f.values.get('endpoints') ?? ['127.0.0.1:2379'],
    writeOut: w,
    dialTimeoutMs: flagDurationMs(f, 'dial-timeout'),
    commandTimeoutMs: flagDurationMs(f, 'command-timeout'),
    isHex: flagBool(f, 'hex'),
  };
}

export function newClient(g: GlobalOptions, endpoints: readonly string[] = g.endpoints): KetchClient {
  return new KetchClient({ endpoints, dialTimeoutMs: g.dialTimeoutMs, requestTimeoutMs: g.commandTimeoutMs });
}

/** A command's body: returns the exit code; a CliError or client error becomes "Error: ..." on stderr. */
export async function runCommand(body: () => Promise<number | void>): Promise<number> {
  try {
    return (await body()) ?? ExitCode.SUCCESS;
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`Error: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof KetchClientError) {
      process.stderr.write(`Error: ${clientErrorMessage(err)}\n`);
      return ExitCode.ERROR;
    }
    throw err;
  }
}

/** Parses a command's flags (with the global ones) and runs it. */
export async function runWithFlags(argv: readonly string[], specs: FlagSpecs, help: string, body: (f: ParsedFlags, g: GlobalOptions) => Promise<number | void>): Promise<number> {
  return runCommand(async () => {
    const f = parseFlags(argv, { ...GLOBAL_FLAGS, ...specs });
    if (flagBool(f, 'help')) {
      process.stdout.write(help);
      return ExitCode.SUCCESS;
    }
    return body(f, globalOptions(f));
  });
}

/** Dispatches `ketch <group> <sub> ...` to one of `subs`. */
export async function runGroup(group: string, argv: readonly string[], subs: Readonly<Record<string, { readonly about: string; readonly run: (argv: readonly string[]) => Promise<number> }>>): Promise<number> {
  const [name, ...rest] = argv;
  const usage = `usage: ketch ${group} <subcommand> [flags]\n\nsubcommands:\n${Object.entries(subs)
    .map(([n, s]) => `  ${n.padEnd(12)}${s.about}`)
    .join('\n')}\n\nFlags shared by every subcommand (etcdctl's): --endpoints, -w/--write-out simple|json|fields|table, --dial-timeout, --command-timeout, --hex\n`;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? process.stderr : process.stdout).write(usage);
    return name === undefined ? ExitCode.ERROR : ExitCode.SUCCESS;
  }
  const sub = subs[name];
  if (sub === undefined) {
    process.stderr.write(`Error: unknown command "${name}" for "ketch ${group}"\n`);
    return ExitCode.ERROR;
  }
  return sub.run(rest);
}
