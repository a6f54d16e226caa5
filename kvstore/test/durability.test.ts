/**
 * Durability of a 3-member cluster (with --snapshot-count 100, so the raft log is compacted and
 * snapshots are taken throughout): no acknowledged write is lost when the leader is killed with
 * SIGKILL under load, when every member is killed at once, or when a member that was down while
 * the log moved on restarts and catches up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalMember } from '../cluster/index.js';
import { EtcdGrpc, findLeader, memberAddress } from './grpc_client.js';
import { restartMember, startKetch, waitFor, type KetchCluster } from './processes.js';

/** A write the cluster acknowledged: key → value. */
const acknowledged = new Map<string, string>();

/**
 * Writers that each put unique keys in sequence, moving to the next member after an error, and
 * record what was acknowledged. An error leaves the write's outcome unknown; it is not retried.
 */
class Writers {
  private stopped = false;
  private readonly loops: Array<Promise<void>>;
  acks = 0;
  errors = 0;

  constructor(
    private readonly clients: readonly EtcdGrpc[],
    count: number,
    private readonly prefix: string,
  ) {
    this.loops = Array.from({ length: count }, (_, w) => this.loop(w));
  }

  private async loop(w: number): Promise<void> {
    let target = w % this.clients.length;
    for (let n = 0; !this.stopped; n++) {
      const key = `${this.prefix}/w${w}/${n}`;
      try {
        await (this.clients[target] as EtcdGrpc).put(key, key, 3000);
        acknowledged.set(key, key);
        this.acks++;
      } catch {
        this.errors++;
        target = (target + 1) % this.clients.length;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }
}

/** Puts `count` unique keys with `concurrency` requests in flight, retrying each until it is acknowledged. */
async function writeMany(client: EtcdGrpc, prefix: string, count: number, concurrency: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const key = `${prefix}/${String(next++).padStart(6, '0')}`;
      await waitFor(`put ${key}`, async () => {
        await client.put(key, key, 3000);
        return true;
      }, 30_000, 100);
      acknowledged.set(key, key);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

describe('durability of acknowledged writes', () => {
  let ketch: KetchCluster;
  let clients: EtcdGrpc[];

  const clientOf = (m: LocalMember): EtcdGrpc => clients[ketch.cluster.members.indexOf(m)] as EtcdGrpc;

  /** Every acknowledged write, read linearizably through `via`, then from each member's own state once it has caught up. */
  async function expectAllAcknowledged(): Promise<void> {
    const leader = (await findLeader(ketch.cluster)).leader;
    const all = await clientOf(leader).getPrefix('', {}, 30_000);
    const missing = [...acknowledged].filter(([k, v]) => all.get(k) !== v).map(([k]) => k);
    expect(missing.slice(0, 20), `${missing.length} acknowledged writes missing or wrong on a linearizable read`).toEqual([]);
    for (const m of ketch.cluster.members) {
      await waitFor(`${m.name} to hold every acknowledged write (serializable read)`, async () => {
        const local = await clientOf(m).getPrefix('', { serializable: true }, 30_000);
        return [...acknowledged].every(([k, v]) => local.get(k) === v) ? true : undefined;
      }, 30_000, 250);
    }
  }

  beforeAll(async () => {
    ketch = await startKetch('durability', 3, { storeArgs: ['--snapshot-count', '100'] });
    clients = ketch.cluster.members.map((m) => new EtcdGrpc(memberAddress(m)));
  });

  afterAll(async () => {
    for (const c of clients ?? []) c.close();
    await ketch?.close();
  });

  it('loses no acknowledged write when the leader is killed with SIGKILL under 8 concurrent writers and restarted', async () => {
    const writers = new Writers(clients, 8, 'leaderkill');
    try {
      await waitFor('writes before the kill', () => (writers.acks >= 200 ? true : undefined), 30_000);
      const { leader } = await findLeader(ketch.cluster);
      await ketch.cluster.kill(leader);
      const acksAtKill = writers.acks;
      await waitFor('writes acknowledged by the remaining members', () => (writers.acks >= acksAtKill + 200 ? true : undefined), 30_000);
      await restartMember(ketch.cluster, leader);
      await ketch.cluster.waitHealthy(30_000);
      const acksAtRestart = writers.acks;
      await waitFor('writes after the restart', () => (writers.acks >= acksAtRestart + 100 ? true : undefined), 30_000);
    } finally {
      await writers.stop();
    }
    await expectAllAcknowledged();
  });

  it('loses no acknowledged write when every member is killed with SIGKILL at once, and the revision does not go back', async () => {
    await writeMany(clientOf(ketch.cluster.members[0]!), 'allkill', 300, 16);
    const before = (await clientOf(ketch.cluster.members[0]!).get('allkill/000000')).header.revision;
    await Promise.all(ketch.cluster.members.map((m) => ketch.cluster.kill(m)));
    for (const m of ketch.cluster.members) await restartMember(ketch.cluster, m);
    await ketch.cluster.waitHealthy(30_000);
    await expectAllAcknowledged();
    const after = (await clientOf(ketch.cluster.members[0]!).get('allkill/000000')).header.revision;
    expect(after).toBeGreaterThanOrEqual(before);
    // And the cluster still takes writes.
    await writeMany(clientOf(ketch.cluster.members[1]!), 'afterkill', 20, 4);
  });

  it('a member that was down while the leader snapshotted and compacted its log past it catches up after a restart', async () => {
    const WHILE_DOWN = 6000;
    const { leader } = await findLeader(ketch.cluster);
    const follower = ketch.cluster.members.find((m) => m !== leader)!;
    await ketch.cluster.kill(follower);
    // Far more entries than --snapshot-count while it is down, and more than the 5000 entries a
    // snapshot keeps behind it: the leader's log no longer reaches back to this member's, so it
    // must catch up from a snapshot.
    await writeMany(clientOf(leader), 'whiledown', WHILE_DOWN, 64);
    await restartMember(ketch.cluster, follower);
    await ketch.cluster.waitHealthy(30_000);
    const got = await waitFor(`${follower.name} to catch up`, async () => {
      const local = await clientOf(follower).getPrefix('whiledown/', { serializable: true });
      return local.size === WHILE_DOWN ? local : undefined;
    }, 60_000, 250);
    const last = `whiledown/${String(WHILE_DOWN - 1).padStart(6, '0')}`;
    expect(got.get(last)).toBe(last);
    await expectAllAcknowledged();
  });
});
