import { KetchClient, isKetchClientError, type Member } from '../../kvstore/client/index.js';
import { isRunning, type LocalMember } from '../../kvstore/cluster/index.js';
import type { ClusterControl } from './cluster.js';
import { delay as sleep } from './etcd_conn.js';

/** How long one membership step (a removal, an addition, a promotion) may take before the run fails. */
const STEP_DEADLINE_MS = 60_000;
const RETRY_GAP_MS = 200;

/**
 * The membership-change nemesis: remove a member from the cluster (MemberRemove, then its process
 * is stopped), and later add it back as a new member, the way an operator replaces one: MemberAdd
 * as a learner, its data directory wiped, started with `--initial-cluster-state existing`, and
 * promoted to voter once it has caught up with the leader (the store refuses to promote a learner
 * that lags). Every call goes through the other members, and every step is confirmed by a
 * linearizable MemberList, since a membership call that timed out may still have been applied.
 */
export class MembershipChanger {
  /** Every raft id each member has had (by name), to name id reuse when it happens. */
  private readonly pastIds = new Map<string, bigint[]>();

  constructor(
    private readonly cluster: ClusterControl,
    private readonly log: (line: string) => void,
  ) {}

  /** Removes m from the cluster and stops its process. */
  async remove(m: LocalMember): Promise<void> {
    await this.withPeers(m, async (client) => {
      await this.untilDone(`remove ${m.name}`, client, async () => {
        const listed = await this.listed(client, m);
        if (listed === undefined) return true;
        this.remember(m, listed.id);
        await client.memberRemove(listed.id);
        return false;
      });
    });
    await this.cluster.kill(m);
  }

  /** Adds m back as a learner, restarts it from an empty data directory, and promotes it. */
  async addBack(m: LocalMember): Promise<void> {
    await this.withPeers(m, async (client) => {
      let added: Member | undefined;
      await this.untilDone(`add ${m.name} as a learner`, client, async () => {
        added = await this.listed(client, m);
        if (added !== undefined) return true;
        await client.memberAdd([this.cluster.peerUrl(m)], { learner: true });
        return false;
      });
      const id = (added as Member).id;
      const reused = this.pastIds.get(m.name)?.includes(id) === true;
      await this.cluster.rejoin(m, id.toString());
      await this.cluster.start(m);
      this.log(`nemesis: ${m.name} rejoins as learner ${id.toString(16)}${reused ? ' (an id it had before it was removed)' : ''}`);
      await this.untilDone(`promote ${m.name}`, client, async () => {
        if (!isRunning(m.process)) {
          throw new MemberExitedError(
            `${m.name} exited after rejoining as ${id.toString(16)}` +
              (reused ? ': MemberAdd gave it an id it had before it was removed, so replaying the log it removed itself again (the store reuses removed member ids)' : '; see its log'),
          );
        }
        const now = await this.listed(client, m);
        if (now === undefined) throw new Error(`member ${m.name} vanished from the member list while being promoted`);
        if (!now.isLearner) return true;
        await client.memberPromote(id);
        return false;
      });
    });
  }

  private remember(m: LocalMember, id: bigint): void {
    const ids = this.pastIds.get(m.name) ?? [];
    if (!ids.includes(id)) ids.push(id);
    this.pastIds.set(m.name, ids);
  }

  /** The member list's entry for m (by its peer URL), or undefined when it is not a member. */
  private async listed(client: KetchClient, m: LocalMember): Promise<Member | undefined> {
    const url = this.cluster.peerUrl(m);
    const { members } = await client.memberList({ linearizable: true });
    return members.find((x) => x.peerUrls.includes(url));
  }

  /**
   * Runs `step` until it reports done, retrying through errors (no leader, a learner not caught
   * up yet, an outcome unknown) until the deadline.
   */
  private async untilDone(what: string, client: KetchClient, step: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + STEP_DEADLINE_MS;
    let lastErr: unknown;
    while (Date.now() < deadline) {
      try {
        if (await step()) return;
      } catch (err) {
        if (err instanceof MemberExitedError) throw err;
        lastErr = err;
      }
      await sleep(RETRY_GAP_MS);
    }
    const why = isKetchClientError(lastErr) ? `${lastErr.code}: ${lastErr.message}` : ((lastErr as Error | undefined)?.message ?? 'not confirmed by the member list');
    throw new Error(`membership nemesis: could not ${what} within ${STEP_DEADLINE_MS} ms (${why})`);
  }

  /** A client of every member but m. */
  private async withPeers<T>(m: LocalMember, use: (client: KetchClient) => Promise<T>): Promise<T> {
    const endpoints = this.cluster.endpoints().filter((_, i) => this.cluster.members[i] !== m);
    const client = new KetchClient({ endpoints, dialTimeoutMs: 1000, requestTimeoutMs: 5000 });
    try {
      return await use(client);
    } finally {
      client.close();
    }
  }
}

/** The member being added back exited: no retry can bring it in. */
class MemberExitedError extends Error {
  override readonly name = 'MemberExitedError';
}
