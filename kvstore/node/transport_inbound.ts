/**
 * One accepted peer connection, from the HELLO to its close. The first frame decides what it is:
 * a stream of raft messages from one member, or one snapshot transfer. Anything the protocol does
 * not allow closes this connection (after an error frame) and nothing else: the transport keeps
 * serving every other peer.
 */
import type * as net from 'node:net';
import type { Logger } from 'pino';
import type { Message, NodeId } from '../../raft/index.js';
import { type ErrorBody, type Hello, type HelloOk, type MembersReply, type SnapAck, PROTOCOL_VERSION, decodeHello, decodeMessage, pack } from './transport_codec.js';
import { TransportError, TransportErrorCode } from './transport_errors.js';
import { type Frame, FrameDecoder, FrameKind, encodeFrame } from './transport_frame.js';
import { type ReceivedSnapshot, SnapshotReceiver } from './transport_snapshot.js';
import { joinHostPort } from './transport_url.js';

/** What an inbound connection needs from the transport that accepted it. */
export interface InboundHost {
  readonly clusterId: number;
  readonly memberId: NodeId;
  readonly maxFrameBytes: number;
  readonly maxSnapshotBytes: number;
  /** The HELLO must arrive within this long of the connection being accepted. */
  readonly handshakeTimeoutMs: number;
  readonly snapshotIdleTimeoutMs: number;
  readonly log: Logger;
  /** A stream from `from` was accepted; the host closes any older stream from the same member. */
  streamOpened(from: NodeId, conn: InboundConnection): void;
  closed(conn: InboundConnection): void;
  /** A message from `from`'s stream, already checked to come from `from` and to be for this member. */
  message(from: NodeId, msg: Message, frameBytes: number): void;
  /** A verified snapshot; throws when the member could not take it (the sender is told it failed). */
  snapshot(from: NodeId, received: ReceivedSnapshot): void;
  /** For a member that does not know its cluster id yet (0): adopt the peer's. */
  adoptClusterId(id: number): void;
  /** A peer told us its advertised peer URLs in its handshake. */
  peerAnnounced(from: NodeId, peerUrls: readonly string[]): void;
  /** The membership, for a `members` connection. */
  membership(): MembersReply;
}

type Phase = 'hello' | 'stream' | 'snapshot' | 'closing';

export class InboundConnection {
  private phase: Phase = 'hello';
  private readonly decoder: FrameDecoder;
  private receiver: SnapshotReceiver | undefined;
  private log: Logger;
  /** The member the handshake authenticated; undefined until then. */
  peer: NodeId | undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly host: InboundHost,
  ) {
    this.decoder = new FrameDecoder(host.maxFrameBytes);
    this.log = host.log.child({ remote: joinHostPort(socket.remoteAddress ?? 'unknown', socket.remotePort ?? 0) });
    socket.setNoDelay(true);
    socket.setTimeout(host.handshakeTimeoutMs, () => {
      const what = this.phase === 'hello' ? 'no handshake' : 'no snapshot data';
      this.refuse(new TransportError(TransportErrorCode.TIMEOUT, `${what} within ${socket.timeout ?? 0}ms`));
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.log.debug({ err }, 'peer connection error'));
    socket.on('close', () => {
      this.phase = 'closing';
      host.closed(this);
    });
  }

  get channel(): 'stream' | 'snapshot' | undefined {
    if (this.phase === 'stream') return 'stream';
    return this.receiver !== undefined ? 'snapshot' : undefined;
  }

  close(): void {
    this.phase = 'closing';
    this.socket.destroy();
  }

  private isClosing(): boolean {
    return this.phase === 'closing';
  }

  private onData(chunk: Buffer): void {
    if (this.phase === 'closing') return;
    try {
      for (const frame of this.decoder.push(chunk)) {
        this.onFrame(frame);
        if (this.isClosing()) return; // a refusal or the snapshot's end: ignore what follows
      }
    } catch (err) {
      if (err instanceof TransportError) this.refuse(err);
      else {
        this.log.error({ err }, 'internal error while reading from a peer; closing the connection');
        this.close();
      }
    }
  }

  private onFrame(frame: Frame): void {
    switch (this.phase) {
      case 'hello':
        this.onHello(frame);
        return;
      case 'stream':
        this.onStreamFrame(frame);
        return;
      case 'snapshot':
        this.onSnapshotFrame(frame);
        return;
      case 'closing':
        return;
    }
  }

  private onHello(frame: Frame): void {
    if (frame.kind !== FrameKind.HELLO) {
      throw new TransportError(TransportErrorCode.PROTOCOL_MISMATCH, `expected a handshake, got frame kind ${frame.kind}`);
    }
    const hello: Hello = decodeHello(frame.payload);
    this.log = this.log.child({ peer: hello.from, channel: hello.channel });
    if (hello.channel === 'members') {
      // Read-only and asked before the asker knows its own id (or the cluster's): no id checks.
      this.phase = 'closing';
      this.socket.end(encodeFrame(FrameKind.MEMBERS, pack(this.host.membership())));
      return;
    }
    if (this.host.clusterId === 0 && hello.to === this.host.memberId && hello.clusterId > 0) this.host.adoptClusterId(hello.clusterId);
    const { clusterId, memberId } = this.host;
    if (hello.clusterId !== clusterId) {
      this.refuse(
        new TransportError(TransportErrorCode.CLUSTER_ID_MISMATCH, `peer ${hello.from} belongs to cluster ${hello.clusterId}, not ${clusterId}`),
        `member ${memberId} belongs to cluster ${clusterId}, not ${hello.clusterId}`,
      );
      return;
    }
    if (hello.to !== memberId) {
      this.refuse(
        new TransportError(
          TransportErrorCode.MEMBER_ID_MISMATCH,
          `peer ${hello.from}'s request was meant for member ${hello.to}, but this is member ${memberId}`,
        ),
        `request was meant for member ${hello.to}, but this is member ${memberId}`,
      );
      return;
    }
    this.peer = hello.from;
    const ok: HelloOk = { version: PROTOCOL_VERSION, memberId };
    this.socket.write(encodeFrame(FrameKind.HELLO_OK, pack(ok)));
    if (hello.channel === 'stream') {
      this.phase = 'stream';
      this.socket.setTimeout(0); // a quiet stream is normal (no leader, or this member leads)
      this.log.debug('accepted stream from peer');
      this.host.streamOpened(hello.from, this);
      if (hello.peerUrls !== undefined) this.host.peerAnnounced(hello.from, hello.peerUrls);
    } else {
      this.phase = 'snapshot';
      this.receiver = new SnapshotReceiver(hello.from, memberId, this.host.maxSnapshotBytes);
      this.socket.setTimeout(this.host.snapshotIdleTimeoutMs);
      this.log.info('receiving a snapshot from peer');
    }
  }

  private onStreamFrame(frame: Frame): void {
    if (frame.kind !== FrameKind.MESSAGE) {
      throw new TransportError(TransportErrorCode.MALFORMED_FRAME, `unexpected frame kind ${frame.kind} on a message stream`);
    }
    const msg = decodeMessage(frame.payload);
    const from = this.peer ?? 0;
    if (msg.from !== from) {
      this.log.warn({ type: msg.type, msgFrom: msg.from }, `dropped a message claiming to be from member ${msg.from} on peer ${from}'s stream`);
      return;
    }
    if (msg.to !== this.host.memberId) {
      this.log.warn({ type: msg.type, msgTo: msg.to }, `dropped a message meant for member ${msg.to}`);
      return;
    }
    if (msg.type === 'MsgSnap') {
      this.log.warn('dropped a MsgSnap sent on the message stream (snapshots have their own connection)');
      return;
    }
    this.host.message(from, msg, frame.payload.length + 5);
  }

  private onSnapshotFrame(frame: Frame): void {
    const receiver = this.receiver;
    if (receiver === undefined || this.peer === undefined) return;
    const received = receiver.onFrame(frame);
    if (received === undefined) return;
    let ack: SnapAck = { ok: true };
    try {
      this.host.snapshot(this.peer, received);
      this.log.info({ index: received.msg.snapshot.metadata.index, sizeBytes: received.state.length }, 'received snapshot from peer');
    } catch (err) {
      this.log.error({ err, index: received.msg.snapshot.metadata.index }, 'the member could not take the received snapshot');
      ack = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    this.phase = 'closing';
    this.socket.end(encodeFrame(FrameKind.SNAP_ACK, pack(ack)));
  }

  /** Logs why, tells the dialer (an error frame with the same code), and closes. */
  private refuse(err: TransportError, toDialer = err.message): void {
    if (this.phase === 'closing') return;
    this.phase = 'closing';
    this.log.error({ code: err.code }, `closing peer connection: ${err.message}`);
    const body: ErrorBody = { code: err.code, message: toDialer };
    this.socket.end(encodeFrame(FrameKind.ERROR, pack(body)));
    this.socket.destroySoon();
    // A dialer that never reads cannot hold the socket open: destroy it once the deadline passes.
    this.socket.setTimeout(this.host.handshakeTimeoutMs, () => this.socket.destroy());
  }
}
