import { RaftError, RaftErrorCode } from './errors.js';
import type { ConfChange, ConfChangeType, ConfState, NodeId } from './types.js';

/**
 * Membership changes, one member at a time.
 *
 * ketch applies a change when its entry is applied (as etcd-io/raft does), and a leader accepts a
 * new change only once the previous one is applied. Adding or removing a single voter moves the
 * majority by at most one member, so any majority of the old configuration overlaps any majority of
 * the new one; that is what keeps two leaders from being elected in one term across a change.
 */

const TYPE_CODES: Record<ConfChangeType, number> = { addNode: 1, addLearner: 2, removeNode: 3 };
const CODE_TYPES: Record<number, ConfChangeType> = { 1: 'addNode', 2: 'addLearner', 3: 'removeNode' };

/** Encodes a ConfChange as entry data: [type u8][nodeId f64][context bytes...]. */
export function encodeConfChange(cc: ConfChange): Uint8Array {
  const ctx = cc.context ?? new Uint8Array(0);
  const out = new Uint8Array(9 + ctx.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, TYPE_CODES[cc.type]);
  view.setFloat64(1, cc.nodeId);
  out.set(ctx, 9);
  return out;
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  if (data.length < 9) throw new RaftError(RaftErrorCode.CONF_CHANGE_INVALID, `conf change too short (${data.length} bytes)`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const type = CODE_TYPES[view.getUint8(0)];
  if (type === undefined) throw new RaftError(RaftErrorCode.CONF_CHANGE_INVALID, `unknown conf change type ${view.getUint8(0)}`);
  const nodeId = view.getFloat64(1);
  const context = data.slice(9);
  return context.length > 0 ? { type, nodeId, context } : { type, nodeId };
}

/**
 * Why `cc` cannot be applied to `cs`, or undefined if it can. Checked when a change is proposed;
 * a committed change that fails the check is ignored when applied, identically on every member.
 */
export function validateConfChange(cs: ConfState, cc: ConfChange): string | undefined {
  if (!Number.isSafeInteger(cc.nodeId) || cc.nodeId <= 0) return `invalid node id ${cc.nodeId}`;
  const isVoter = cs.voters.includes(cc.nodeId);
  const isLearner = cs.learners.includes(cc.nodeId);
  switch (cc.type) {
    case 'addNode':
      return isVoter ? `node ${cc.nodeId} is already a voter` : undefined;
    case 'addLearner':
      if (isLearner) return `node ${cc.nodeId} is already a learner`;
      if (isVoter && cs.voters.length === 1) return `cannot demote the only voter ${cc.nodeId}`;
      return undefined;
    case 'removeNode':
      if (!isVoter && !isLearner) return `node ${cc.nodeId} is not a member`;
      if (isVoter && cs.voters.length === 1) return `cannot remove the only voter ${cc.nodeId}`;
      return undefined;
  }
}

/** The configuration after applying `cc` to `cs`. Returns `cs` unchanged when the change is invalid. */
export function applyConfChangeTo(cs: ConfState, cc: ConfChange): ConfState {
  if (validateConfChange(cs, cc) !== undefined) return cs;
  const voters = cs.voters.filter((id) => id !== cc.nodeId);
  const learners = cs.learners.filter((id) => id !== cc.nodeId);
  switch (cc.type) {
    case 'addNode':
      voters.push(cc.nodeId);
      break;
    case 'addLearner':
      learners.push(cc.nodeId);
      break;
    case 'removeNode':
      break;
  }
  return { voters: voters.sort(byId), learners: learners.sort(byId) };
}

function byId(a: NodeId, b: NodeId): number {
  return a - b;
}
