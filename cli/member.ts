/**
 * `ketch member list|add|remove|promote`: etcdctl's member commands (ids in hexadecimal).
 */
import { CliError, ExitCode, flagBool, flagString, newClient, parseGoInt, runGroup, runWithFlags } from './client_flags.js';
import { goQuote } from './gofmt.js';
import { withClient } from './kv.js';
import { newPrinter, SimplePrinter } from './output.js';

function memberFromArg(arg: string): bigint {
  try {
    return parseGoInt(arg, 16, true);
  } catch (err) {
    throw new CliError(ExitCode.BAD_ARGS, `bad member ID arg (${(err as Error).message}), expecting ID in Hex`);
  }
}

/** etcd's types.NewURLs checks, which clientv3 runs before MemberAdd. */
function validatePeerUrl(s: string): void {
  let u: URL;
  try {
    u = new URL(s.trim());
  } catch {
    if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s.trim())) throw new CliError(ExitCode.ERROR, `URL scheme must be http, https, unix, or unixs: ${s}`);
    throw new CliError(ExitCode.ERROR, `parse ${goQuote(s)}: invalid URL`);
  }
  if (!['http:', 'https:', 'unix:', 'unixs:'].includes(u.protocol)) throw new CliError(ExitCode.ERROR, `URL scheme must be http, https, unix, or unixs: ${s}`);
  if (u.port === '' && !/:\d+$/.test(u.host)) throw new CliError(ExitCode.ERROR, `URL address does not have the form "host:port": ${s}`);
  const rest = s.trim().slice(u.protocol.length + 2 + u.host.length);
  if (rest.startsWith('/')) throw new CliError(ExitCode.ERROR, `URL must not contain a path: ${s}`);
}

async function list(argv: readonly string[]): Promise<number> {
  return runWithFlags(argv, {}, 'usage: ketch member list\n', async (_f, g) => {
    const printer = newPrinter(g.writeOut, g.isHex);
    const resp = await withClient(newClient(g), ExitCode.ERROR, (c) => c.memberList());
    printer.memberList(resp);
  });
}

const ADD_HELP = `usage: ketch member add <memberName> --peer-urls URLS [--learner]

  --peer-urls URLS   comma separated peer URLs for the new member
  --learner          add the member as a raft learner
`;

async function add(argv: readonly string[]): Promise<number> {
  const specs = { 'peer-urls': { type: 'string', default: '' }, learner: { type: 'bool', default: 'false' } } as const;
  return runWithFlags(argv, specs, ADD_HELP, async (f, g) => {
    const args = f.positionals;
    if (args.length < 1) throw new CliError(ExitCode.BAD_ARGS, 'member name not provided');
    if (args.length > 1) {
      let ev = 'too many arguments';
      for (const s of args) if (s.toLowerCase().startsWith('http')) ev += `, did you mean --peer-urls=${s}`;
      throw new CliError(ExitCode.BAD_ARGS, ev);
    }
    const name = args[0]!;
    const peerUrlsFlag = flagString(f, 'peer-urls');
    if (peerUrlsFlag.length === 0) throw new CliError(ExitCode.BAD_ARGS, 'member peer urls not provided');
    const urls = peerUrlsFlag.split(',');
    for (const u of urls) validatePeerUrl(u);
    const printer = newPrinter(g.writeOut, g.isHex);
    await withClient(newClient(g), ExitCode.ERROR, async (c) => {
      const resp = await c.memberAdd(urls, { learner: flagBool(f, 'learner') });
      printer.memberAdd(resp);
      if (!(printer instanceof SimplePrinter)) return;
      // Like etcdctl: the member list from a member that has applied the add.
      let list = await c.memberList();
      for (let i = 0; i < 5 && list.header.memberId !== resp.header.memberId; i++) {
        await c.get('_');
        list = await c.memberList();
      }
      const conf: string[] = [];
      for (const m of list.members) for (const u of m.peerUrls) conf.push(`${m.id === resp.member.id ? name : m.name}=${u}`);
      process.stdout.write(
        `\nETCD_NAME=${goQuote(name)}\nETCD_INITIAL_CLUSTER=${goQuote(conf.join(','))}\nETCD_INITIAL_ADVERTISE_PEER_URLS=${goQuote(peerUrlsFlag)}\nETCD_INITIAL_CLUSTER_STATE="existing"\n`,
      );
    });
  });
}

/** `member remove` and `member promote`: one hex member id, then the change. */
function byId(verb: 'remove' | 'promote'): (argv: readonly string[]) => Promise<number> {
  return (argv) =>
    runWithFlags(argv, {}, `usage: ketch member ${verb} <memberID>\n`, async (f, g) => {
      if (f.positionals.length !== 1) throw new CliError(ExitCode.BAD_ARGS, 'member ID is not provided');
      const id = memberFromArg(f.positionals[0]!);
      const printer = newPrinter(g.writeOut, g.isHex);
      const resp = await withClient(newClient(g), ExitCode.ERROR, (c) => (verb === 'remove' ? c.memberRemove(id) : c.memberPromote(id)));
      if (verb === 'remove') printer.memberRemove(id, resp);
      else printer.memberPromote(id, resp);
    });
}

export function runMemberCommand(argv: readonly string[]): Promise<number> {
  return runGroup('member', argv, {
    list: { about: 'lists all members in the cluster', run: list },
    add: { about: 'adds a member into the cluster', run: add },
    remove: { about: 'removes a member from the cluster', run: byId('remove') },
    promote: { about: 'promotes a non-voting member in the cluster', run: byId('promote') },
  });
}
