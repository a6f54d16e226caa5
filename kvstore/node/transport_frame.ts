/**
 * Framing of the peer protocol. Every frame on a peer connection is
 *
 *   uint32 big-endian length | uint8 kind | payload (length - 1 bytes)
 *
 * where `length` counts the kind byte and the payload, so it is at least 1. Payloads are msgpack
 * (see transport_codec.ts) except SNAP_CHUNK, whose payload is raw snapshot bytes.
 */
import * as zlib from 'node:zlib';
import { TransportError, TransportErrorCode } from './transport_errors.js';

export const FrameKind = {
  /** Dialer → listener, first frame: {magic, version, clusterId, from, to, channel}. */
  HELLO: 1,
  /** Listener → dialer: the handshake was accepted. */
  HELLO_OK: 2,
  /** Either way: {code, message}; the sender closes the connection after it. */
  ERROR: 3,
  /** Dialer → listener on a stream connection: one raft Message. */
  MESSAGE: 4,
  /** Dialer → listener on a snapshot connection: {msg: MsgSnap, sizeBytes}. */
  SNAP_HEADER: 5,
  /** Dialer → listener: the next raw bytes of the snapshot's state. */
  SNAP_CHUNK: 6,
  /** Dialer → listener: {sizeBytes, crc32} of the whole state. */
  SNAP_END: 7,
  /** Listener → dialer: {ok, error?}, after the snapshot was handed to onSnapshot. */
  SNAP_ACK: 8,
  /** Listener → dialer on a `members` connection: the MembersReply; the listener then closes. */
  MEMBERS: 9,
} as const;

export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

export interface Frame {
  /** The kind byte as received; not necessarily a known FrameKind. */
  readonly kind: number;
  readonly payload: Buffer;
}

/** Bytes before the payload: the length prefix and the kind. */
export const FRAME_HEADER_BYTES = 5;

/** The 5 bytes that precede a payload of `payloadBytes` bytes. */
export function frameHeader(kind: FrameKind, payloadBytes: number): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32BE(payloadBytes + 1, 0);
  header.writeUInt8(kind, 4);
  return header;
}

/** One whole frame in one buffer. */
export function encodeFrame(kind: FrameKind, payload: Uint8Array): Buffer {
  return Buffer.concat([frameHeader(kind, payload.length), payload]);
}

/**
 * Cuts a byte stream into frames. A frame whose length prefix exceeds `maxFrameBytes` is refused
 * as soon as its prefix arrives, before any of its body is buffered, so a hostile peer cannot make
 * the decoder hold more than one maximal frame. After push() throws, the decoder must not be used.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private bufferedBytes = 0;
  /** Length of the frame whose prefix has been read, or -1 while waiting for a prefix. */
  private bodyBytes = -1;

  constructor(private readonly maxFrameBytes: number) {}

  /** Appends received bytes and returns the frames they complete, in order. */
  push(chunk: Buffer): Frame[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.bufferedBytes += chunk.length;
    }
    const frames: Frame[] = [];
    for (;;) {
      if (this.bodyBytes < 0) {
        if (this.bufferedBytes < 4) break;
        const length = this.take(4).readUInt32BE(0);
        if (length === 0) {
          throw new TransportError(TransportErrorCode.MALFORMED_FRAME, 'frame of length 0 (a frame holds at least its kind byte)');
        }
        if (length > this.maxFrameBytes) {
          throw new TransportError(
            TransportErrorCode.FRAME_TOO_LARGE,
            `frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes} bytes`,
          );
        }
        this.bodyBytes = length;
      }
      if (this.bufferedBytes < this.bodyBytes) break;
      const body = this.take(this.bodyBytes);
      this.bodyBytes = -1;
      frames.push({ kind: body[0] ?? 0, payload: body.subarray(1) });
    }
    return frames;
  }

  /** Bytes received but not yet returned as a frame. */
  get pendingBytes(): number {
    return this.bufferedBytes;
  }

  /** Removes and returns the next n buffered bytes. Precondition: n <= bufferedBytes. */
  private take(n: number): Buffer {
    let first = this.chunks[0];
    if (first === undefined || first.length < n) {
      // Merge once; a frame that spans many reads costs one copy, not one per read.
      first = Buffer.concat(this.chunks, this.bufferedBytes);
      this.chunks = [first];
    }
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.bufferedBytes -= n;
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// CRC-32 (IEEE, as zlib and gzip compute it) for snapshot integrity. zlib.crc32 exists from Node
// 20.15 / 22.2; older Node 20 releases use the table below.
// ---------------------------------------------------------------------------------------------

type Crc32 = (data: Uint8Array, previous?: number) => number;

let crcTable: Uint32Array | undefined;

/** Table-driven CRC-32; the fallback for runtimes without zlib.crc32. Exported for tests. */
export function crc32Portable(data: Uint8Array, previous = 0): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const table = crcTable;
  let crc = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) {
    crc = (table[(crc ^ (data[i] ?? 0)) & 0xff] ?? 0) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const nativeCrc32 = (zlib as { crc32?: Crc32 }).crc32;

/** CRC-32 of `data`, continuing from `previous` (the CRC of the bytes before it). */
export const crc32: Crc32 = nativeCrc32 !== undefined ? (data, previous = 0) => nativeCrc32(data, previous) : crc32Portable;
