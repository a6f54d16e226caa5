import type { LocalMember } from '../../kvstore/cluster/index.js';

/**
 * What the runner and the nemeses need from a cluster under test: ketch's LocalCluster and the
 * harness's EtcdCluster both provide it, so every workload and nemesis runs against either.
 */
export interface ClusterControl {
  readonly members: LocalMember[];
  /** host:port of every member's client URL. */
  endpoints(): string[];
  startAll(): Promise<void>;
  /** Starts one member (again, from its data directory). */
  start(m: LocalMember): Promise<void>;
  /** SIGKILL, and wait for the process to be gone. */
  kill(m: LocalMember): Promise<void>;
  signal(m: LocalMember, sig: NodeJS.Signals): void;
  /** Cuts exactly these one-way links (from, to), replacing any earlier cut. */
  cut(links: ReadonlyArray<readonly [LocalMember, LocalMember]>): void;
  heal(): void;
  /** Every member answers /health with a leader, or throws at the deadline. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stopAll(): Promise<void>;
}
