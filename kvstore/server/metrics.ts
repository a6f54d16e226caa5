import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Member } from '../node/member.js';
import type { WatchHub } from '../watch/index.js';

/** Prometheus metrics under etcd's names, so existing dashboards and alerts work. */
export class StoreMetrics {
  readonly registry = new Registry();
  private readonly leaderChanges: Counter;

  constructor(
    private readonly member: Member,
    private readonly hub: WatchHub,
    dbSize: () => number,
  ) {
    collectDefaultMetrics({ register: this.registry });
    const m = member;
    new Gauge({ name: 'etcd_server_has_leader', help: 'Whether or not a leader exists. 1 is existence, 0 is not.', registers: [this.registry], collect() { this.set(m.leaderId() === 0 ? 0 : 1); } });
    new Gauge({ name: 'etcd_server_is_leader', help: 'Whether or not this member is a leader. 1 if is, 0 otherwise.', registers: [this.registry], collect() { this.set(m.isLeader() ? 1 : 0); } });
    this.leaderChanges = new Counter({ name: 'etcd_server_leader_changes_seen_total', help: 'The number of leader changes seen.', registers: [this.registry] });
    member.onLeaderChange((leader) => {
      if (leader !== 0) this.leaderChanges.inc();
    });
    new Gauge({ name: 'etcd_server_proposals_committed_total', help: 'The total number of consensus proposals committed.', registers: [this.registry], collect() { this.set(m.status().commitIndex); } });
    new Gauge({ name: 'etcd_server_proposals_applied_total', help: 'The total number of consensus proposals applied.', registers: [this.registry], collect() { this.set(m.status().appliedIndex); } });
    new Gauge({ name: 'etcd_server_term', help: 'The current raft term.', registers: [this.registry], collect() { this.set(m.term()); } });
    new Gauge({ name: 'etcd_mvcc_current_revision', help: 'The current revision of the store.', registers: [this.registry], collect() { this.set(m.mvcc.currentRevision); } });
    new Gauge({ name: 'etcd_mvcc_compact_revision', help: 'The last compaction revision of the store.', registers: [this.registry], collect() { this.set(m.mvcc.compactRevision); } });
    new Gauge({ name: 'etcd_mvcc_db_total_size_in_bytes', help: 'Total size of the underlying database physically allocated in bytes.', registers: [this.registry], collect() { this.set(dbSize()); } });
    const h = this.hub;
    new Gauge({ name: 'etcd_debugging_mvcc_watch_stream_total', help: 'Total number of watch streams.', registers: [this.registry], collect() { this.set(h.stats().streams); } });
    new Gauge({ name: 'etcd_debugging_mvcc_watcher_total', help: 'Total number of watchers.', registers: [this.registry], collect() { this.set(h.stats().watchers); } });
    new Gauge({ name: 'etcd_debugging_mvcc_slow_watcher_total', help: 'Total number of unsynced slow watchers.', registers: [this.registry], collect() { this.set(h.stats().slowWatchers); } });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
