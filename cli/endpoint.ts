/**
 * `ketch endpoint health|status [--cluster]`: etcdctl's endpoint commands. Health asks each
 * endpoint for a linearizable get of "health" (and the alarm list), on a client of its own.
 */
import { KetchClientError } from '../kvstore/client/index.js';
import { CliError, clientErrorMessage, ExitCode, flagBool, newClient, runGroup, runWithFlags, type GlobalOptions, type ParsedFlags } from './client_flags.js';
import { goDuration } from './gofmt.js';
import { withClient } from './kv.js';
import { newPrinter, type EpHealth, type EpStatus } from './output.js';

const CLUSTER_FLAG = { cluster: { type: 'bool', default: 'false' } } as const;

/** --endpoints, or with --cluster every member's client URLs. */
async function endpointsOf(f: ParsedFlags, g: GlobalOptions): Promise<string[]> {
  if (!flagBool(f, 'cluster')) return g.endpoints;
  try {
    const members = await withClient(newClient(g), ExitCode.ERROR, (c) => c.memberList());
    return members.members.flatMap((m) => [...m.clientUrls]);
  } catch (err) {
    throw new CliError(ExitCode.ERROR, `failed to fetch endpoints from etcd cluster member list: ${(err as Error).message}`);
  }
}

async function checkHealth(ep: string, g: GlobalOptions): Promise<EpHealth> {
  const client = newClient(g, [ep]);
  try {
    const start = process.hrtime.bigint();
    let error = '';
    try {
      await client.get('health');
    } catch (err) {
      if (!(err instanceof KetchClientError && err.code === 'PERMISSION_DENIED')) error = clientErrorMessage(err);
    }
    const took = goDuration(process.hrtime.bigint() - start);
    if (error === '') {
      try {
        const alarms = await client.alarmList();
        if (alarms.alarms.length > 0) {
          error = `Active Alarm(s): ${alarms.alarms.map((a) => (a.alarm === 'NOSPACE' || a.alarm === 'CORRUPT' ? a.alarm : 'UNKNOWN')).join(' ')} `;
        }
      } catch {
        error = 'Unable to fetch the alarm list';
      }
    }
    return { ep, health: error === '', took, error };
  } finally {
    client.close();
  }
}

async function health(argv: readonly string[]): Promise<number> {
  const help = 'usage: ketch endpoint health [--cluster]\n\nChecks the healthiness of endpoints specified in `--endpoints` flag\n';
  return runWithFlags(argv, CLUSTER_FLAG, help, async (f, g) => {
    const printer = newPrinter(g.writeOut, g.isHex);
    const eps = await endpointsOf(f, g);
    // In completion order, as etcdctl's channel delivers them.
    const results: EpHealth[] = [];
    await Promise.all(eps.map(async (ep) => results.push(await checkHealth(ep, g))));
    printer.endpointHealth(results);
    if (results.some((h) => h.error !== '')) throw new CliError(ExitCode.ERROR, 'unhealthy cluster');
  });
}

async function status(argv: readonly string[]): Promise<number> {
  const help = 'usage: ketch endpoint status [--cluster]\n\nPrints out the status of endpoints specified in `--endpoints` flag\n';
  return runWithFlags(argv, CLUSTER_FLAG, help, async (f, g) => {
    const printer = newPrinter(g.writeOut, g.isHex);
    const eps = await endpointsOf(f, g);
    const list: EpStatus[] = [];
    let failed = false;
    await withClient(newClient(g), ExitCode.ERROR, async (c) => {
      for (const ep of eps) {
        try {
          list.push({ ep, resp: await c.status(ep) });
        } catch (err) {
          failed = true;
          process.stderr.write(`Failed to get the status of endpoint ${ep} (${clientErrorMessage(err)})\n`);
        }
      }
    });
    printer.endpointStatus(list);
    return failed ? ExitCode.ERROR : ExitCode.SUCCESS;
  });
}

export function runEndpointCommand(argv: readonly string[]): Promise<number> {
  return runGroup('endpoint', argv, {
    health: { about: 'checks the healthiness of endpoints specified in `--endpoints` flag', run: health },
    status: { about: 'prints out the status of endpoints specified in `--endpoints` flag', run: status },
  });
}
