/**
 * raft: the Raft consensus algorithm as a pure, synchronous, deterministic library.
 *
 * Drive a RawNode: tick() on a timer, step() every message from a peer, propose() commands, and
 * handle each Ready (persist, send, apply, advance). See ready.ts for the contract.
 */
export { RawNode, type RaftStatus } from './raw_node.js';
export { Raft } from './raft.js';
export type { Ready } from './ready.js';
export { type RaftConfig, type RaftLogger, SILENT_LOGGER } from './config.js';
export { type Storage, MemoryStorage } from './storage.js';
export { RaftError, RaftErrorCode } from './errors.js';
export { Prng } from './rand.js';
export { encodeConfChange, decodeConfChange, validateConfChange, applyConfChangeTo } from './confchange.js';
export * from './types.js';
