import type { ConfChange } from '../../raft/index.js';
import type { MemberRecord } from './backend.js';

/**
 * The cluster's members as the replicated state records them (names and URLs), next to raft's own
 * view (ids and voter/learner roles). Changed only by applying committed membership changes, so it
 * is the same on every member at the same applied index.
 */
export class MemberRegistry {
  private readonly members = new Map<number, MemberRecord>();

  constructor(records: Iterable<MemberRecord> = []) {
    for (const r of records) this.members.set(r.id, r);
  }

  list(): MemberRecord[] {
    return [...this.members.values()].sort((a, b) => a.id - b.id);
  }

  get(id: number): MemberRecord | undefined {
    return this.members.get(id);
  }

  has(id: number): boolean {
    return this.members.has(id);
  }

  findByPeerUrls(urls: readonly string[]): MemberRecord | undefined {
    return this.list().find((m) => m.peerUrls.some((u) => urls.includes(u)));
  }

  /** Applies a committed change; `record` is the member described in the change's context. */
  apply(cc: ConfChange, record: MemberRecord | undefined): void {
    switch (cc.type) {
      case 'addNode': {
        const existing = this.members.get(cc.nodeId);
        if (existing !== undefined) this.members.set(cc.nodeId, { ...existing, isLearner: false });
        else if (record !== undefined) this.members.set(cc.nodeId, { ...record, id: cc.nodeId, isLearner: false });
        return;
      }
      case 'addLearner': {
        const existing = this.members.get(cc.nodeId);
        if (existing !== undefined) this.members.set(cc.nodeId, { ...existing, isLearner: true });
        else if (record !== undefined) this.members.set(cc.nodeId, { ...record, id: cc.nodeId, isLearner: true });
        return;
      }
      case 'removeNode':
        this.members.delete(cc.nodeId);
        return;
    }
  }

  /** Records the client URLs a member advertises (learned when it starts; not replicated by raft here). */
  setClientUrls(id: number, clientUrls: string[], name: string): void {
    const m = this.members.get(id);
    if (m !== undefined) this.members.set(id, { ...m, clientUrls, name: m.name === '' ? name : m.name });
  }
}
