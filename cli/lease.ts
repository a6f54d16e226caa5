/**
 * `ketch lease grant|revoke|timetolive|list|keep-alive`: etcdctl's lease commands. Lease ids are
 * hexadecimal on the command line, as etcdctl's.
 */
import { CliError, clientErrorMessage, ExitCode, flagBool, newClient, parseGoInt, runGroup, runWithFlags } from './client_flags.js';
import { hex016 } from './gofmt.js';
import { withClient } from './kv.js';
import { newPrinter, SimplePrinter } from './output.js';
import { KetchClientError } from '../kvstore/client/index.js';

function leaseFromArg(arg: string): bigint {
  try {
    return parseGoInt(arg, 16);
  } catch (err) {
    throw new CliError(ExitCode.BAD_ARGS, `bad lease ID arg (${(err as Error).message}), expecting ID in Hex`);
  }
}

/** Wraps a client error as etcdctl's "failed to <what> lease (<error>)". */
async function failedTo<T>(what: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof KetchClientError) throw new CliError(ExitCode.ERROR, `failed to ${what} lease (${clientErrorMessage(err)})`);
    throw err;
  }
}

async function grant(argv: readonly string[]): Promise<number> {
  return runWithFlags(argv, {}, 'usage: ketch lease grant <ttl>\n', async (f, g) => {
    if (f.positionals.length !== 1) throw new CliError(ExitCode.BAD_ARGS, 'lease grant command needs TTL argument');
    let ttl: bigint;
    try {
      ttl = parseGoInt(f.positionals[0]!, 10);
    } catch (err) {
      throw new CliError(ExitCode.BAD_ARGS, `bad TTL (${(err as Error).message})`);
    }
    const printer = newPrinter(g.writeOut, g.isHex);
    const resp = await withClient(newClient(g), ExitCode.ERROR, (c) => failedTo('grant', c.leaseGrant(Number(ttl))));
    printer.grant(resp);
  });
}

async function revoke(argv: readonly string[]): Promise<number> {
  return runWithFlags(argv, {}, 'usage: ketch lease revoke <leaseID>\n', async (f, g) => {
    if (f.positionals.length !== 1) throw new CliError(ExitCode.BAD_ARGS, 'lease revoke command needs 1 argument');
    const id = leaseFromArg(f.positionals[0]!);
    const printer = newPrinter(g.writeOut, g.isHex);
    const resp = await withClient(newClient(g), ExitCode.ERROR, (c) => failedTo('revoke', c.leaseRevoke(id)));
    printer.revoke(id, resp);
  });
}

async function timeToLive(argv: readonly string[]): Promise<number> {
  return runWithFlags(argv, { keys: { type: 'bool', default: 'false' } }, 'usage: ketch lease timetolive <leaseID> [--keys]\n', async (f, g) => {
    if (f.positionals.length !== 1) throw new CliError(ExitCode.BAD_ARGS, 'lease timetolive command needs lease ID as argument');
    const id = leaseFromArg(f.positionals[0]!);
    const keys = flagBool(f, 'keys');
    const printer = newPrinter(g.writeOut, g.isHex);
    const resp = await withClient(newClient(g), ExitCode.BAD_CONNECTION, (c) => c.leaseTimeToLive(id, { keys }));
    printer.timeToLive(resp, keys);
  });
}

async function list(argv: readonly string[]): Promise<number> {
  return runWithFlags(argv, {}, 'usage: ketch lease list\n', async (_f, g) => {
    const printer = newPrinter(g.writeOut, g.isHex);
    const resp = await withClient(newClient(g), ExitCode.BAD_CONNECTION, (c) => c.leaseLeases());
    printer.leases(resp);
  });
}

async function keepAlive(argv: readonly string[]): Promise<number> {
  const help = 'usage: ketch lease keep-alive [--once] <leaseID>\n\n  --once   renew once and exit\n';
  return runWithFlags(argv, { once: { type: 'bool', default: 'false' } }, help, async (f, g) => {
    if (f.positionals.length !== 1) throw new CliError(ExitCode.BAD_ARGS, 'lease keep-alive command needs lease ID as argument');
    const id = leaseFromArg(f.positionals[0]!);
    const printer = newPrinter(g.writeOut, g.isHex);
    if (flagBool(f, 'once')) {
      const resp = await withClient(newClient(g), ExitCode.BAD_CONNECTION, (c) => c.leaseKeepAliveOnce(id));
      printer.keepAlive(resp);
      return;
    }
    await withClient(newClient(g), ExitCode.BAD_CONNECTION, async (c) => {
      for await (const resp of c.leaseKeepAlive(id)) printer.keepAlive(resp);
    });
    if (printer instanceof SimplePrinter) process.stdout.write(`lease ${hex016(id)} expired or revoked.\n`);
  });
}

export function runLeaseCommand(argv: readonly string[]): Promise<number> {
  return runGroup('lease', argv, {
    grant: { about: 'creates leases', run: grant },
    revoke: { about: 'revokes leases', run: revoke },
    timetolive: { about: 'gets lease information', run: timeToLive },
    list: { about: 'lists all active leases', run: list },
    'keep-alive': { about: 'keeps leases alive (renew)', run: keepAlive },
  });
}
