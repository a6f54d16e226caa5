/**
 * etcdctl's put/get/del argument handling (getPutOp, getGetOp, getDelOp), shared by `ketch kv
 * put|get|del` and the request lines of `ketch kv txn`. Arguments are strings; `bytes` turns one
 * into the key or value bytes (UTF-8 for the command line, raw bytes for txn input).
 */
import { readFileSync } from 'node:fs';
import type { Bytes, DeleteOptions, GetOptions, PutOptions, SortOrder, SortTarget } from '../kvstore/client/index.js';
import { CliError, ExitCode, flagBool, flagInt, flagString, parseGoInt, type FlagSpecs, type ParsedFlags } from './client_flags.js';

export type ToBytes = (s: string) => Bytes;

export const utf8: ToBytes = (s) => s;

export const PUT_FLAGS: FlagSpecs = {
  lease: { type: 'string', default: '0' },
  'prev-kv': { type: 'bool', default: 'false' },
  'ignore-value': { type: 'bool', default: 'false' },
  'ignore-lease': { type: 'bool', default: 'false' },
};

export const GET_FLAGS: FlagSpecs = {
  consistency: { type: 'string', default: 'l' },
  order: { type: 'string', default: '' },
  'sort-by': { type: 'string', default: '' },
  prefix: { type: 'bool', default: 'false' },
  'from-key': { type: 'bool', default: 'false' },
  rev: { type: 'int', default: '0' },
  limit: { type: 'int', default: '0' },
  'keys-only': { type: 'bool', default: 'false' },
  'count-only': { type: 'bool', default: 'false' },
  'print-value-only': { type: 'bool', default: 'false' },
};

export const DEL_FLAGS: FlagSpecs = {
  prefix: { type: 'bool', default: 'false' },
  'prev-kv': { type: 'bool', default: 'false' },
  'from-key': { type: 'bool', default: 'false' },
};

/** etcdctl's argOrStdin: the argument, or all of standard input. */
function argOrStdin(args: readonly string[], i: number, stdin: (() => Buffer) | undefined): Bytes | undefined {
  if (i < args.length) return args[i];
  if (stdin === undefined) return undefined;
  const data = stdin();
  return data.length === 0 ? undefined : data;
}

export function readStdin(): Buffer {
  try {
    return readFileSync(0);
  } catch {
    return Buffer.alloc(0);
  }
}

export interface PutOp {
  readonly key: Bytes;
  readonly value: Bytes;
  readonly opts: PutOptions;
}

export function putOp(args: readonly string[], f: ParsedFlags, bytes: ToBytes, stdin: (() => Buffer) | undefined): PutOp {
  const needs = (): CliError => new CliError(ExitCode.BAD_ARGS, 'put command needs 1 argument and input from stdin or 2 arguments');
  if (args.length === 0) throw needs();
  const ignoreValue = flagBool(f, 'ignore-value');
  if (ignoreValue && args.length > 1) throw new CliError(ExitCode.BAD_ARGS, "put command needs only 1 argument when 'ignore-value' is set");
  let value: Bytes = '';
  if (!ignoreValue) {
    const v = argOrStdin(args, 1, stdin);
    if (v === undefined) throw needs();
    value = typeof v === 'string' ? bytes(v) : v;
  }
  let lease: bigint;
  try {
    lease = parseGoInt(flagString(f, 'lease'), 16);
  } catch (err) {
    throw new CliError(ExitCode.BAD_ARGS, `bad lease ID (${(err as Error).message}), expecting ID in Hex`);
  }
  const opts: PutOptions = {
    ...(lease !== 0n ? { lease } : {}),
    prevKv: flagBool(f, 'prev-kv'),
    ignoreValue,
    ignoreLease: flagBool(f, 'ignore-lease'),
  };
  return { key: bytes(args[0]!), value, opts };
}

export interface GetOp {
  readonly key: Bytes;
  readonly opts: GetOptions;
}

const SORT_TARGETS: Record<string, SortTarget> = { CREATE: 'create', KEY: 'key', MODIFY: 'mod', VALUE: 'value', VERSION: 'version' };
const SORT_ORDERS: Record<string, SortOrder> = { ASCEND: 'ascend', DESCEND: 'descend' };

export function getOp(args: readonly string[], f: ParsedFlags, bytes: ToBytes): GetOp {
  if (args.length === 0) throw new CliError(ExitCode.BAD_ARGS, 'get command needs one argument as key and an optional argument as range_end');
  const prefix = flagBool(f, 'prefix');
  const fromKey = flagBool(f, 'from-key');
  if (prefix && fromKey) throw new CliError(ExitCode.BAD_ARGS, '`--prefix` and `--from-key` cannot be set at the same time, choose one');
  const consistency = flagString(f, 'consistency');
  if (consistency !== 'l' && consistency !== 's') throw new CliError(ExitCode.BAD_FEATURE, `unknown consistency flag "${consistency}"`);
  let rangeEnd: Bytes | undefined;
  if (args.length > 1) {
    if (prefix || fromKey) throw new CliError(ExitCode.BAD_ARGS, 'too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
    rangeEnd = bytes(args[1]!);
  }
  const orderFlag = flagString(f, 'order');
  const order = orderFlag === '' ? 'none' : SORT_ORDERS[orderFlag.toUpperCase()];
  if (order === undefined) throw new CliError(ExitCode.BAD_FEATURE, `bad sort order ${orderFlag}`);
  const targetFlag = flagString(f, 'sort-by');
  const target = targetFlag === '' ? 'key' : SORT_TARGETS[targetFlag.toUpperCase()];
  if (target === undefined) throw new CliError(ExitCode.BAD_FEATURE, `bad sort target ${targetFlag}`);
  const rev = Number(flagInt(f, 'rev'));
  const limit = Number(flagInt(f, 'limit'));
  const opts: GetOptions = {
    ...(rangeEnd !== undefined ? { rangeEnd } : {}),
    ...(prefix ? { prefix } : {}),
    ...(fromKey ? { fromKey } : {}),
    serializable: consistency === 's',
    ...(limit > 0 ? { limit } : {}),
    ...(rev > 0 ? { revision: rev } : {}),
    sort: { target, order },
    keysOnly: flagBool(f, 'keys-only'),
    countOnly: flagBool(f, 'count-only'),
  };
  return { key: bytes(args[0]!), opts };
}

export interface DelOp {
  readonly key: Bytes;
  readonly opts: DeleteOptions;
}

export function delOp(args: readonly string[], f: ParsedFlags, bytes: ToBytes): DelOp {
  if (args.length === 0 || args.length > 2) throw new CliError(ExitCode.BAD_ARGS, 'del command needs one argument as key and an optional argument as range_end');
  const prefix = flagBool(f, 'prefix');
  const fromKey = flagBool(f, 'from-key');
  if (prefix && fromKey) throw new CliError(ExitCode.BAD_ARGS, '`--prefix` and `--from-key` cannot be set at the same time, choose one');
  let rangeEnd: Bytes | undefined;
  if (args.length > 1) {
    if (prefix || fromKey) throw new CliError(ExitCode.BAD_ARGS, 'too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
    rangeEnd = bytes(args[1]!);
  }
  const opts: DeleteOptions = {
    ...(rangeEnd !== undefined ? { rangeEnd } : {}),
    ...(prefix ? { prefix } : {}),
    ...(fromKey ? { fromKey } : {}),
    prevKv: flagBool(f, 'prev-kv'),
  };
  return { key: bytes(args[0]!), opts };
}
