/**
 * `ketch kv put|get|del|txn|watch|compact`: etcdctl's put, get, del, txn, watch and compaction,
 * with their flags, output formats, messages and exit codes.
 */
import { spawnSync } from 'node:child_process';
import { KetchClientError, type KetchClient } from '../kvstore/client/index.js';
import { CliError, clientErrorMessage, ExitCode, flagBool, flagInt, newClient, parseGoInt, runGroup, runWithFlags, type FlagSpecs } from './client_flags.js';
import { goQuote } from './gofmt.js';
import { DEL_FLAGS, delOp, GET_FLAGS, getOp, PUT_FLAGS, putOp, readStdin, utf8 } from './kv_ops.js';
import { newPrinter, SimplePrinter } from './output.js';
import { readTxn, StdinLines } from './txn_input.js';

/** Runs `body` with a client, closing it afterwards; client errors exit with `exitCode`. */
export async function withClient<T>(client: KetchClient, exitCode: number, body: (c: KetchClient) => Promise<T>): Promise<T> {
  try {
    return await body(client);
  } catch (err) {
    if (err instanceof KetchClientError) throw new CliError(exitCode, clientErrorMessage(err));
    throw err;
  } finally {
    client.close();
  }
}

const PUT_HELP = `usage: ketch kv put [options] <key> <value> (<value> can also be given from stdin)

  --lease ID        lease ID (in hexadecimal) to attach to the key
  --prev-kv         return the previous key-value pair before modification
  --ignore-value    updates the key using its current value
  --ignore-lease    updates the key using its current lease
`;

async function put(argv: readonly string[]): Promise<number> {
  return runWithFlags(argv, PUT_FLAGS, PUT_HELP, async (f, g) => {
    const op = putOp(f.positionals, f, utf8, readStdin);
    const printer = newPrinter(g.writeOut, g.isHex);
    const resp = await withClient(newClient(g), ExitCode.ERROR, (c) => c.put(op.key, op.value, op.opts));
    printer.put(resp);
  });
}

const GET_HELP = `usage: ketch kv get [options] <key> [range_end]

  --consistency l|s     Linearizable(l) or Serializable(s) (default l)
  --order ASCEND|DESCEND
  --sort-by CREATE|KEY|MODIFY|VALUE|VERSION
  --prefix              get keys with matching prefix
  --from-key            get keys that are greater than or equal to the given key
  --rev N               the kv revision
  --limit N             maximum number of results
  --keys-only           get only the keys
  --count-only          get only the count (with -w fields)
  --print-value-only    only write values when using the "simple" output format
`;

async function get(argv: readonly string[]): Promise<number> {
  return runWithFlags(argv, GET_FLAGS, GET_HELP, async (f, g) => {
    const op = getOp(f.positionals, f, utf8);
    const printer = newPrinter(g.writeOut, g.isHex);
    if (flagBool(f, 'count-only')) {
      if (flagBool(f, 'keys-only')) throw new CliError(ExitCode.BAD_ARGS, '`--keys-only` and `--count-only` cannot be set at the same time, choose one');
      if (g.writeOut !== 'fields') throw new CliError(ExitCode.BAD_ARGS, '--count-only is only for `--write-out=fields`');
    }
    const resp = await withClient(newClient(g), ExitCode.ERROR, (c) => c.get(op.key, op.opts));
    if (flagBool(f, 'print-value-only')) {
      if (!(printer instanceof SimplePrinter)) throw new CliError(ExitCode.BAD_ARGS, 'print-value-only is only for `--write-out=simple`');
      printer.valueOnly = true;
    }
    printer.get(resp);
  });
}

const DEL_HELP = `usage: ketch kv del [options] <key> [range_end]

  --prefix      delete keys with matching prefix
  --prev-kv     return deleted key-value pairs
  --from-key    delete keys that are greater than or equal to the given key
`;

async function del(argv: readonly string[]): Promise<number> {
  return runWithFlags(argv, DEL_FLAGS, DEL_HELP, async (f, g) => {
    const op = delOp(f.positionals, f, utf8);
    const printer = newPrinter(g.writeOut, g.isHex);
    const resp = await withClient(newClient(g), ExitCode.ERROR, (c) => c.delete(op.key, op.opts));
    printer.del(resp);
  });
}

const TXN_HELP = `usage: ketch kv txn [-i]

Reads a transaction from standard input, as etcdctl txn: compares, a blank line, success requests
(get, put, del), a blank line, failure requests, a blank line. Example:

  mod("key1") > "0"

  put key1 "overwrote-key1"

  put key1 "created-key1"
  put key2 "some extra key"

  -i, --interactive   print a prompt before each section
`;

async function txn(argv: readonly string[]): Promise<number> {
  return runWithFlags(argv, { interactive: { type: 'bool', short: 'i', default: 'false' } }, TXN_HELP, async (f, g) => {
    if (f.positionals.length !== 0) throw new CliError(ExitCode.BAD_ARGS, 'txn command does not accept argument');
    const printer = newPrinter(g.writeOut, g.isHex);
    const t = readTxn(new StdinLines(), flagBool(f, 'interactive'));
    const resp = await withClient(newClient(g), ExitCode.ERROR, (c) => c.txn(t));
    printer.txn(resp);
  });
}

const WATCH_FLAGS: FlagSpecs = {
  interactive: { type: 'bool', short: 'i', default: 'false' },
  prefix: { type: 'bool', default: 'false' },
  rev: { type: 'int', default: '0' },
  'prev-kv': { type: 'bool', default: 'false' },
};

const WATCH_HELP = `usage: ketch kv watch [options] <key or prefix> [range_end] [--] [exec-command arg1 arg2 ...]

  --prefix      watch on a prefix
  --rev N       revision to start watching
  --prev-kv     get the previous key-value pair before the event happens

Runs until interrupted; if the server cancels the watch, exits with code 5.
`;

async function watch(argv: readonly string[]): Promise<number> {
  const sep = argv.indexOf('--');
  const execArgs = sep >= 0 ? argv.slice(sep + 1) : [];
  const watchArgv = sep >= 0 ? argv.slice(0, sep) : argv;
  return runWithFlags(watchArgv, WATCH_FLAGS, WATCH_HELP, async (f, g) => {
    if (flagBool(f, 'interactive')) throw new CliError(ExitCode.BAD_ARGS, 'interactive watch is not supported by ketch');
    if (sep >= 0 && execArgs.length === 0) throw new CliError(ExitCode.BAD_ARGS, 'bad number of arguments (found separator --, but no commands)');
    const args = f.positionals;
    if (args.length < 1) throw new CliError(ExitCode.BAD_ARGS, 'bad number of arguments');
    const prefix = flagBool(f, 'prefix');
    if (args.length === 2 && prefix) throw new CliError(ExitCode.BAD_ARGS, '`range_end` and `--prefix` are mutually exclusive');
    const printer = newPrinter(g.writeOut, g.isHex);
    const rev = Number(flagInt(f, 'rev'));
    const client = newClient(g);
    try {
      const watcher = client.watch(args[0]!, {
        ...(args.length === 2 ? { rangeEnd: args[1]! } : {}),
        ...(prefix ? { prefix } : {}),
        ...(rev > 0 ? { startRevision: rev } : {}),
        prevKv: flagBool(f, 'prev-kv'),
      });
      for await (const resp of watcher) {
        if (resp.canceled) process.stderr.write(`watch was canceled (${watcher.err?.message ?? resp.cancelReason})\n`);
        printer.watch(resp);
        for (const ev of resp.events) {
          if (execArgs.length === 0) continue;
          const env = {
            ...process.env,
            ETCD_WATCH_REVISION: String(resp.header.revision),
            ETCD_WATCH_EVENT_TYPE: goQuote(ev.type === 'put' ? 'PUT' : 'DELETE'),
            ETCD_WATCH_KEY: goQuote(ev.kv.key),
            ETCD_WATCH_VALUE: goQuote(ev.kv.value),
          };
          const r = spawnSync(execArgs[0]!, execArgs.slice(1), { env, stdio: 'inherit' });
          if (r.status !== 0) {
            process.stderr.write(`command ${JSON.stringify(execArgs)} error (${r.error?.message ?? `exit status ${r.status ?? r.signal}`})\n`);
            return ExitCode.ERROR;
          }
        }
      }
    } finally {
      client.close();
    }
    throw new CliError(ExitCode.INTERRUPTED, 'watch is canceled by the server');
  });
}

const COMPACT_HELP = `usage: ketch kv compact [options] <revision>

  --physical    wait for compaction to physically remove all old revisions
`;

async function compact(argv: readonly string[]): Promise<number> {
  return runWithFlags(argv, { physical: { type: 'bool', default: 'false' } }, COMPACT_HELP, async (f, g) => {
    if (f.positionals.length !== 1) throw new CliError(ExitCode.BAD_ARGS, 'compaction command needs 1 argument');
    const rev = parseGoInt(f.positionals[0]!, 10);
    await withClient(newClient(g), ExitCode.ERROR, (c) => c.compact(Number(rev), { physical: flagBool(f, 'physical') }));
    process.stdout.write(`compacted revision ${rev}\n`);
  });
}

export function runKvCommand(argv: readonly string[]): Promise<number> {
  return runGroup('kv', argv, {
    put: { about: 'puts the given key into the store', run: put },
    get: { about: 'gets the key or a range of keys', run: get },
    del: { about: 'removes the specified key or range of keys [key, range_end)', run: del },
    txn: { about: 'txn processes all the requests in one transaction (read from stdin)', run: txn },
    watch: { about: 'watches events stream on keys or prefixes', run: watch },
    compact: { about: 'compacts the event history in the store', run: compact },
    compaction: { about: 'same as compact (etcdctl name)', run: compact },
  });
}
