import type { LinkDegradation, LocalMember } from '../../kvstore/cluster/index.js';

/**
 * What the runner and the nemeses need from a cluster under test: ketch's LocalCluster (on
 * loopback, or in network namespaces) and the harness's EtcdCluster all provide it, so every
 * workload and nemesis runs against any of them.
 */
export interface ClusterControl {
  readonly members: LocalMember[];
  /** host:port of every member's client URL, in the order of `members`. */
  endpoints(): string[];
  /** Where member m answers /health and /metrics (a base URL). */
  metricsUrl(m: LocalMember): string;
  /** The peer URL the other members reach m on: what MemberAdd is given when m is added back. */
  peerUrl(m: LocalMember): string;
  startAll(): Promise<void>;
  /** Starts one member (again, from its data directory). */
  start(m: LocalMember): Promise<void>;
  /** SIGKILL, and wait for the process to be gone. */
  kill(m: LocalMember): Promise<void>;
  signal(m: LocalMember, sig: NodeJS.Signals): void;
  /** Cuts exactly these one-way links (from, to), replacing any earlier cut. */
  cut(links: ReadonlyArray<readonly [LocalMember, LocalMember]>): void | Promise<void>;
  /** Why `d` cannot be injected on this cluster (the mode, the kernel), or undefined when it can. */
  unsupportedReason(d: LinkDegradation): string | undefined;
  /** Delays and/or drops traffic on every peer link until heal(); UnsupportedFaultError when it cannot. */
  degrade(d: LinkDegradation): void | Promise<void>;
  /** Restores every link: no cut, no delay, no loss. */
  heal(): void | Promise<void>;
  /**
   * Prepares stopped member m, removed with MemberRemove and added again with MemberAdd (which
   * gave it raft id `id`, decimal), to start as a new member: its data wiped, joining the
   * running cluster (`--initial-cluster-state existing`).
   */
  rejoin(m: LocalMember, id: string): Promise<void>;
  /** Every member answers /health with a leader, or throws at the deadline. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** Stops every member, and removes whatever the cluster set up (proxies, namespaces, rules). */
  stopAll(): Promise<void>;
}
