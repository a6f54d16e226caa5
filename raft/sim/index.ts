/**
 * raft/sim: a deterministic simulator for the consensus core, in the spirit of FoundationDB's
 * simulation and TigerBeetle's VOPR. A whole cluster runs in one thread on virtual time; network,
 * disks, clocks, crashes and clients are all drawn from one seed, and safety invariants are checked
 * after every event. A failing seed replays exactly.
 */
export { runSeed, makePlan, describePlan, type SimOptions, type SimPlan, type SimResult, type RunStats } from './run.js';
export { SafetyChecker, InvariantViolation, SIM_INVARIANT_VIOLATED, type InvariantName } from './checkers.js';
export { Trace, formatRecord, formatMessage, type TraceRecord } from './trace.js';
export { Cluster, type ClusterConfig, type SimStats } from './cluster.js';
export { SimNetwork, CALM_LINKS, type LinkConditions, type Partition } from './network.js';
