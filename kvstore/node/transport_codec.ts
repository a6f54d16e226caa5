/**
 * The payloads of the peer protocol's frames (see transport_frame.ts for the framing), encoded with
 * msgpack. Every decoder checks the shape of what it read, so a buggy or hostile peer gets a
 * MALFORMED_FRAME error instead of a half-formed object reaching raft.
 */
import { Packr } from 'msgpackr';
import type { Message, MessageType, MsgSnap, NodeId } from '../../raft/index.js';
import { assertNever } from '../../raft/index.js';
import { TransportError, TransportErrorCode } from './transport_errors.js';

/** Plain maps, no shared record structures (each frame decodes on its own), and byte arrays that
 * do not pin the receive buffer: Uint8Array fields come back as Buffers of their own. */
const packr = new Packr({ useRecords: false, structuredClone: false, mapsAsObjects: true, copyBuffers: true, moreTypes: false });

/** Identifies this protocol in the handshake, so a stray client of another protocol is refused clearly. */
export const PROTOCOL_MAGIC = 'ketch-peer';
export const PROTOCOL_VERSION = 1;

/** A stream connection carries raft messages; a snapshot connection carries one MsgSnap and its state. */
/**
 * `stream` and `snapshot` connections carry raft traffic; a `members` connection asks a member for
 * the cluster's membership (what a member joining with `--initial-cluster-state existing` does
 * to learn its own id, as etcd asks a peer's /members) and is answered with one MEMBERS frame.
 */
export type Channel = 'stream' | 'snapshot' | 'members';

export interface Hello {
  readonly magic: string;
  readonly version: number;
  readonly clusterId: number;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly channel: Channel;
  /** The dialer's advertised peer URLs, so that a member that does not know it yet can answer. */
  readonly peerUrls?: readonly string[];
}

/** The answer on a `members` connection: the cluster id and every member, as the member knows them. */
export interface MembersReply {
  readonly clusterId: number;
  readonly members: ReadonlyArray<{ readonly id: NodeId; readonly name: string; readonly peerUrls: readonly string[]; readonly isLearner: boolean }>;
}

export interface HelloOk {
  readonly version: number;
  readonly memberId: NodeId;
}

export interface ErrorBody {
  readonly code: string;
  readonly message: string;
}

export interface SnapHeader {
  readonly msg: MsgSnap;
  readonly sizeBytes: number;
}

export interface SnapEnd {
  readonly sizeBytes: number;
  readonly crc32: number;
}

export interface SnapAck {
  readonly ok: boolean;
  readonly error?: string;
}

export function pack(value: unknown): Buffer {
  return packr.pack(value);
}

function unpack(payload: Uint8Array, what: string): unknown {
  try {
    return packr.unpack(payload);
  } catch (err) {
    // msgpackr throws plain Errors (and RangeError on absurd nesting); all mean the same here.
    throw new TransportError(TransportErrorCode.MALFORMED_FRAME, `undecodable ${what}: ${(err as Error).message}`, { cause: err });
  }
}

// ---------------------------------------------------------------------------------------------
// Shape checks.
// ---------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function malformed(what: string, detail: string): never {
  throw new TransportError(TransportErrorCode.MALFORMED_FRAME, `malformed ${what}: ${detail}`);
}

function asObject(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) malformed(what, 'not a map');
  return v as Obj;
}

function isUint(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function uint(o: Obj, key: string, what: string): number {
  const v = o[key];
  if (!isUint(v)) malformed(what, `${key} is not a non-negative integer`);
  return v;
}

function bool(o: Obj, key: string, what: string): void {
  if (typeof o[key] !== 'boolean') malformed(what, `${key} is not a boolean`);
}

function bytes(o: Obj, key: string, what: string, optional = false): void {
  const v = o[key];
  if (optional && v === undefined) return;
  if (!(v instanceof Uint8Array)) malformed(what, `${key} is not bytes`);
}

function uintArray(o: Obj, key: string, what: string): void {
  const v = o[key];
  if (!Array.isArray(v) || !v.every(isUint)) malformed(what, `${key} is not a list of ids`);
}

function entries(o: Obj, what: string): void {
  const list = o['entries'];
  if (!Array.isArray(list)) malformed(what, 'entries is not a list');
  for (const item of list as unknown[]) {
    const e = asObject(item, `${what} entry`);
    uint(e, 'term', `${what} entry`);
    uint(e, 'index', `${what} entry`);
    if (e['type'] !== 'normal' && e['type'] !== 'confChange') malformed(`${what} entry`, 'unknown entry type');
    bytes(e, 'data', `${what} entry`);
  }
}

function snapshot(o: Obj, what: string): void {
  const s = asObject(o['snapshot'], `${what} snapshot`);
  bytes(s, 'data', `${what} snapshot`);
  const meta = asObject(s['metadata'], `${what} snapshot metadata`);
  uint(meta, 'index', `${what} snapshot metadata`);
  uint(meta, 'term', `${what} snapshot metadata`);
  const conf = asObject(meta['confState'], `${what} confState`);
  uintArray(conf, 'voters', `${what} confState`);
  uintArray(conf, 'learners', `${what} confState`);
}

type FieldKind = 'uint' | 'bool' | 'bytes' | 'optionalBytes' | 'entries' | 'snapshot';

/** The fields of message type T besides the envelope (type, from, to, term). */
type BodyFields<T extends MessageType> = Exclude<keyof Extract<Message, { type: T }>, 'type' | 'from' | 'to' | 'term'>;

/**
 * What each message type carries. Listing every field of every type is enforced by the compiler,
 * so a field added to raft/types.ts cannot go unchecked here.
 */
const MESSAGE_FIELDS: { readonly [T in MessageType]: { readonly [K in BodyFields<T>]-?: FieldKind } } = {
  MsgApp: { index: 'uint', logTerm: 'uint', commit: 'uint', entries: 'entries' },
  MsgAppResp: { index: 'uint', reject: 'bool', rejectHint: 'uint', logTerm: 'uint' },
  MsgVote: { index: 'uint', logTerm: 'uint', transfer: 'bool' },
  MsgPreVote: { index: 'uint', logTerm: 'uint', transfer: 'bool' },
  MsgVoteResp: { reject: 'bool' },
  MsgPreVoteResp: { reject: 'bool' },
  MsgHeartbeat: { commit: 'uint', context: 'optionalBytes' },
  MsgHeartbeatResp: { context: 'optionalBytes' },
  MsgSnap: { snapshot: 'snapshot' },
  MsgTimeoutNow: {},
  MsgProp: { entries: 'entries' },
  MsgReadIndex: { context: 'bytes' },
  MsgReadIndexResp: { index: 'uint', context: 'bytes' },
  MsgTransferLeader: { transferee: 'uint' },
};

function isMessageType(v: unknown): v is MessageType {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(MESSAGE_FIELDS, v);
}

function checkField(m: Obj, key: string, kind: FieldKind, what: string): void {
  switch (kind) {
    case 'uint':
      uint(m, key, what);
      return;
    case 'bool':
      bool(m, key, what);
      return;
    case 'bytes':
      bytes(m, key, what);
      return;
    case 'optionalBytes':
      bytes(m, key, what, true);
      return;
    case 'entries':
      entries(m, what);
      return;
    case 'snapshot':
      snapshot(m, what);
      return;
    default:
      assertNever(kind, 'field kind');
  }
}

/** Checks that a decoded value has the shape of a raft Message (every field raft reads, typed). */
export function checkMessage(value: unknown): Message {
  const m = asObject(value, 'message');
  const type = m['type'];
  if (!isMessageType(type)) malformed('message', `unknown type ${JSON.stringify(String(type)).slice(0, 64)}`);
  for (const key of ['from', 'to', 'term']) uint(m, key, type);
  for (const [key, kind] of Object.entries<FieldKind>(MESSAGE_FIELDS[type])) checkField(m, key, kind, type);
  return m as unknown as Message;
}

// ---------------------------------------------------------------------------------------------
// Payload decoders, one per frame kind that carries msgpack.
// ---------------------------------------------------------------------------------------------

function decodeMap(payload: Uint8Array, what: string): Obj {
  return asObject(unpack(payload, what), what);
}

/** A map whose fields are all non-negative integers. */
function decodeUints<T>(payload: Uint8Array, what: string, keys: readonly (keyof T & string)[]): T {
  const o = decodeMap(payload, what);
  for (const key of keys) uint(o, key, what);
  return o as unknown as T;
}

export function decodeMessage(payload: Uint8Array): Message {
  return checkMessage(unpack(payload, 'message'));
}

/**
 * Decodes a HELLO. Protocol identity is checked here (a PROTOCOL_MISMATCH error), the rest of the
 * fields for shape only; whether they match this member is the listener's decision.
 */
export function decodeHello(payload: Uint8Array): Hello {
  const o = decodeMap(payload, 'hello');
  if (o['magic'] !== PROTOCOL_MAGIC) {
    throw new TransportError(TransportErrorCode.PROTOCOL_MISMATCH, 'the dialer does not speak the ketch peer protocol');
  }
  const version = uint(o, 'version', 'hello');
  if (version !== PROTOCOL_VERSION) {
    throw new TransportError(
      TransportErrorCode.PROTOCOL_MISMATCH,
      `peer protocol version ${version} is not supported (this member speaks version ${PROTOCOL_VERSION})`,
    );
  }
  uint(o, 'clusterId', 'hello');
  const urls = o['peerUrls'];
  if (urls !== undefined && (!Array.isArray(urls) || urls.length > 16 || !urls.every((u) => typeof u === 'string' && u.length < 1024))) {
    malformed('hello', 'peerUrls is not a short list of strings');
  }
  uint(o, 'from', 'hello');
  uint(o, 'to', 'hello');
  if (o['channel'] !== 'stream' && o['channel'] !== 'snapshot' && o['channel'] !== 'members') malformed('hello', 'unknown channel');
  return o as unknown as Hello;
}

export function decodeMembersReply(payload: Uint8Array): MembersReply {
  const o = decodeMap(payload, 'members');
  uint(o, 'clusterId', 'members');
  const members = o['members'];
  if (!Array.isArray(members)) malformed('members', 'members is not a list');
  for (const m of members as unknown[]) {
    if (typeof m !== 'object' || m === null) malformed('members', 'a member is not a map');
    const r = m as Record<string, unknown>;
    uint(r, 'id', 'members');
    const urls = r['peerUrls'];
    if (!Array.isArray(urls) || !urls.every((u) => typeof u === 'string')) malformed('members', 'peerUrls is not a list of strings');
    if (typeof r['name'] !== 'string' || typeof r['isLearner'] !== 'boolean') malformed('members', 'a member lacks its name or role');
  }
  return o as unknown as MembersReply;
}

export function decodeHelloOk(payload: Uint8Array): HelloOk {
  return decodeUints<HelloOk>(payload, 'hello reply', ['version', 'memberId']);
}

export function decodeError(payload: Uint8Array): ErrorBody {
  const o = decodeMap(payload, 'error frame');
  if (typeof o['code'] !== 'string' || typeof o['message'] !== 'string') malformed('error frame', 'code or message is not a string');
  return o as unknown as ErrorBody;
}

export function decodeSnapHeader(payload: Uint8Array): SnapHeader {
  const o = decodeMap(payload, 'snapshot header');
  uint(o, 'sizeBytes', 'snapshot header');
  const msg = checkMessage(o['msg']);
  if (msg.type !== 'MsgSnap') malformed('snapshot header', `carries ${msg.type}, not MsgSnap`);
  return { msg, sizeBytes: o['sizeBytes'] as number };
}

export function decodeSnapEnd(payload: Uint8Array): SnapEnd {
  return decodeUints<SnapEnd>(payload, 'snapshot end', ['sizeBytes', 'crc32']);
}

export function decodeSnapAck(payload: Uint8Array): SnapAck {
  const o = decodeMap(payload, 'snapshot ack');
  bool(o, 'ok', 'snapshot ack');
  if (o['error'] !== undefined && typeof o['error'] !== 'string') malformed('snapshot ack', 'error is not a string');
  return o as unknown as SnapAck;
}
