/**
 * Snapshot transfer on a connection of its own, so a multi-MiB state never delays heartbeats:
 *
 *   dialer:   HELLO(channel snapshot) · SNAP_HEADER{msg, sizeBytes} · SNAP_CHUNK* · SNAP_END{sizeBytes, crc32}
 *   listener: HELLO_OK · SNAP_ACK{ok, error?}
 *
 * The listener hands the snapshot to the member only after the size and CRC-32 matched, then acks.
 */
import type * as net from 'node:net';
import type { MsgSnap, NodeId } from '../../raft/index.js';
import { type SnapAck, type SnapEnd, type SnapHeader, decodeError, decodeSnapAck, decodeSnapEnd, decodeSnapHeader, pack } from './transport_codec.js';
import { dialPeer } from './transport_dial.js';
import { asTransportError, TransportError, TransportErrorCode } from './transport_errors.js';
import { type Frame, type FrameDecoder, FrameKind, crc32, encodeFrame, frameHeader } from './transport_frame.js';
import type { PeerAddress } from './transport_url.js';

export interface SnapshotSendRequest {
  readonly address: PeerAddress;
  readonly clusterId: number;
  readonly memberId: NodeId;
  readonly msg: MsgSnap;
  readonly state: Uint8Array;
  readonly chunkBytes: number;
  readonly dialTimeoutMs: number;
  /** The transfer fails when no progress (a write drained, the ack arrived) happens for this long. */
  readonly idleTimeoutMs: number;
  readonly maxFrameBytes: number;
  readonly signal: AbortSignal;
}

/** Streams one snapshot; resolves once the receiver acknowledged installing it, rejects otherwise. */
export async function sendSnapshotStream(req: SnapshotSendRequest): Promise<void> {
  const { socket, decoder } = await dialPeer({
    address: req.address,
    clusterId: req.clusterId,
    from: req.memberId,
    to: req.msg.to,
    channel: 'snapshot',
    timeoutMs: req.dialTimeoutMs,
    maxFrameBytes: req.maxFrameBytes,
    signal: req.signal,
  });
  try {
    const acked = awaitAck(socket, decoder, req.idleTimeoutMs, req.signal);
    acked.catch(() => {}); // awaited below; a failure during the writes surfaces through the races
    const write = async (data: Uint8Array): Promise<void> => {
      if (!socket.write(data)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), acked]);
    };
    const header: SnapHeader = { msg: req.msg, sizeBytes: req.state.length };
    await write(encodeFrame(FrameKind.SNAP_HEADER, pack(header)));
    let crc = 0;
    for (let offset = 0; offset < req.state.length; offset += req.chunkBytes) {
      const chunk = req.state.subarray(offset, offset + req.chunkBytes);
      crc = crc32(chunk, crc);
      socket.write(frameHeader(FrameKind.SNAP_CHUNK, chunk.length));
      await write(chunk);
    }
    const end: SnapEnd = { sizeBytes: req.state.length, crc32: crc };
    await write(encodeFrame(FrameKind.SNAP_END, pack(end)));
    const ack = await acked;
    if (!ack.ok) {
      throw new TransportError(TransportErrorCode.SNAPSHOT_REJECTED, `member ${req.msg.to} did not install the snapshot: ${ack.error ?? 'no reason given'}`);
    }
  } finally {
    socket.destroy();
  }
}

/** Resolves with the receiver's SNAP_ACK; rejects on anything else, a close, an idle timeout or abort. */
function awaitAck(socket: net.Socket, decoder: FrameDecoder, idleTimeoutMs: number, signal: AbortSignal): Promise<SnapAck> {
  return new Promise<SnapAck>((resolve, reject) => {
    const fail = (err: TransportError): void => {
      reject(err);
      socket.destroy();
    };
    socket.setTimeout(idleTimeoutMs, () =>
      fail(new TransportError(TransportErrorCode.TIMEOUT, `snapshot transfer made no progress for ${idleTimeoutMs}ms`)),
    );
    signal.addEventListener('abort', () => fail(new TransportError(TransportErrorCode.STOPPED, 'transport stopped')), { once: true });
    socket.on('error', (err) => fail(asTransportError(err, 'snapshot connection')));
    socket.on('close', () => fail(new TransportError(TransportErrorCode.CONNECTION_CLOSED, 'snapshot connection closed before the ack')));
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of decoder.push(chunk)) {
          if (frame.kind === FrameKind.SNAP_ACK) resolve(decodeSnapAck(frame.payload));
          else if (frame.kind === FrameKind.ERROR) {
            throw new TransportError(TransportErrorCode.SNAPSHOT_REJECTED, decodeError(frame.payload).message);
          } else throw new TransportError(TransportErrorCode.MALFORMED_FRAME, `unexpected frame kind ${frame.kind} on a snapshot connection`);
        }
      } catch (err) {
        fail(asTransportError(err, 'snapshot connection'));
      }
    });
  });
}

export interface ReceivedSnapshot {
  readonly msg: MsgSnap;
  readonly state: Uint8Array;
}

/** The listener's side: reassembles one snapshot from its frames and verifies it. */
export class SnapshotReceiver {
  private header: SnapHeader | undefined;
  private chunks: Buffer[] = [];
  private receivedBytes = 0;
  private crc = 0;
  private complete = false;

  constructor(
    /** The member the handshake authenticated; the MsgSnap must come from it. */
    private readonly from: NodeId,
    private readonly memberId: NodeId,
    private readonly maxSnapshotBytes: number,
  ) {}

  /** Bytes of state received so far, and announced. */
  get progress(): { receivedBytes: number; sizeBytes: number } {
    return { receivedBytes: this.receivedBytes, sizeBytes: this.header?.sizeBytes ?? 0 };
  }

  /** Consumes one frame; returns the snapshot at its end. Throws TransportError on any violation. */
  onFrame(frame: Frame): ReceivedSnapshot | undefined {
    if (this.complete) throw new TransportError(TransportErrorCode.MALFORMED_FRAME, 'frame after the end of the snapshot');
    const header = this.header;
    if (header === undefined) {
      if (frame.kind !== FrameKind.SNAP_HEADER) {
        throw new TransportError(TransportErrorCode.MALFORMED_FRAME, `expected a snapshot header, got frame kind ${frame.kind}`);
      }
      this.header = this.checkHeader(decodeSnapHeader(frame.payload));
      return undefined;
    }
    switch (frame.kind) {
      case FrameKind.SNAP_CHUNK:
        if (this.receivedBytes + frame.payload.length > header.sizeBytes) {
          throw new TransportError(TransportErrorCode.SNAPSHOT_CORRUPT, `snapshot data exceeds the announced ${header.sizeBytes} bytes`);
        }
        this.chunks.push(frame.payload);
        this.receivedBytes += frame.payload.length;
        this.crc = crc32(frame.payload, this.crc);
        return undefined;
      case FrameKind.SNAP_END: {
        const end = decodeSnapEnd(frame.payload);
        if (end.sizeBytes !== header.sizeBytes || this.receivedBytes !== header.sizeBytes) {
          throw new TransportError(
            TransportErrorCode.SNAPSHOT_CORRUPT,
            `snapshot size mismatch: announced ${header.sizeBytes} bytes, ended at ${end.sizeBytes}, received ${this.receivedBytes}`,
          );
        }
        if (end.crc32 !== this.crc) {
          throw new TransportError(TransportErrorCode.SNAPSHOT_CORRUPT, `snapshot checksum mismatch: sender ${end.crc32}, received ${this.crc}`);
        }
        this.complete = true;
        const state = Buffer.concat(this.chunks, this.receivedBytes);
        this.chunks = [];
        return { msg: header.msg, state };
      }
      default:
        throw new TransportError(TransportErrorCode.MALFORMED_FRAME, `unexpected frame kind ${frame.kind} in a snapshot transfer`);
    }
  }

  private checkHeader(header: SnapHeader): SnapHeader {
    if (header.msg.from !== this.from) {
      throw new TransportError(TransportErrorCode.MALFORMED_FRAME, `snapshot from member ${header.msg.from} on member ${this.from}'s connection`);
    }
    if (header.msg.to !== this.memberId) {
      throw new TransportError(TransportErrorCode.MEMBER_ID_MISMATCH, `snapshot was meant for member ${header.msg.to}, this is member ${this.memberId}`);
    }
    if (header.sizeBytes > this.maxSnapshotBytes) {
      throw new TransportError(
        TransportErrorCode.SNAPSHOT_TOO_LARGE,
        `snapshot of ${header.sizeBytes} bytes exceeds the limit of ${this.maxSnapshotBytes} bytes`,
      );
    }
    return header;
  }
}
