/**
 * The outbound message stream to one peer: one persistent TCP connection, redialed with capped,
 * jittered exponential backoff. Messages are written in the order send() receives them and are
 * never reordered; while the connection is down they are dropped (raft retransmits) and the peer is
 * reported unreachable.
 */
import type * as net from 'node:net';
import type { Logger } from 'pino';
import type { NodeId } from '../../raft/index.js';
import { decodeError } from './transport_codec.js';
import { dialPeer } from './transport_dial.js';
import { TransportError, TransportErrorCode } from './transport_errors.js';
import { type FrameDecoder, FrameKind } from './transport_frame.js';
import type { PeerAddress } from './transport_url.js';

export interface PeerStreamConfig {
  readonly clusterId: number;
  /** Sent in the handshake so that a joining member can dial back. */
  readonly advertisePeerUrls?: readonly string[];
  readonly memberId: NodeId;
  readonly dialTimeoutMs: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Bytes that may wait in the socket (or for the handshake) before new messages are dropped. */
  readonly maxBufferedBytes: number;
  readonly maxFrameBytes: number;
  readonly unreachableReportIntervalMs: number;
  /** Uniform in [0, 1); jitters the backoff. */
  readonly random: () => number;
}

export type PeerStreamState =
  /** Dialing or waiting for the handshake reply; messages wait in `pending`. */
  | 'connecting'
  /** Handshake accepted; messages go straight to the socket. */
  | 'connected'
  /** The last attempt failed; a timer will dial again. Messages are dropped. */
  | 'backoff'
  | 'stopped';

/** Delay before attempt number `failures` (1-based): min·2^(failures-1), capped, then jittered into [d/2, d). */
export function backoffDelayMs(failures: number, minMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}

/** A failure of the handshake itself: the peer is misconfigured, which deserves an error every time. */
function isRefusal(err: unknown): boolean {
  return (
    err instanceof TransportError &&
    (err.code === TransportErrorCode.CLUSTER_ID_MISMATCH ||
      err.code === TransportErrorCode.MEMBER_ID_MISMATCH ||
      err.code === TransportErrorCode.PROTOCOL_MISMATCH)
  );
}

export class PeerStream {
  private state: PeerStreamState = 'backoff';
  private addresses: PeerAddress[];
  /** Index into addresses of the one to dial next; advances after each failed attempt. */
  private addressIndex = 0;
  private socket: net.Socket | undefined;
  private connectedAtMs = 0;
  /** Consecutive failed attempts (a connection that did not outlive the backoff ceiling counts). */
  private failures = 0;
  private dialAbort: AbortController | undefined;
  private redialTimer: NodeJS.Timeout | undefined;
  /** Frames handed over while connecting, written in order once the handshake succeeds. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private pendingMsgs = 0;
  private lastUnreachableMs = -Infinity;

  sentMsgs = 0;
  sentBytes = 0;
  droppedMsgs = 0;

  constructor(
    readonly id: NodeId,
    addresses: readonly PeerAddress[],
    private readonly config: PeerStreamConfig,
    private readonly log: Logger,
    private readonly reportUnreachable: (id: NodeId) => void,
  ) {
    this.addresses = [...addresses];
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** The address of the live connection, else the one the next attempt will use. */
  get currentAddress(): PeerAddress | undefined {
    return this.addresses[this.addressIndex % Math.max(this.addresses.length, 1)];
  }

  start(): void {
    this.dial();
  }

  /**
   * Queues `count` messages already encoded as consecutive frames in `frames`: one write to the
   * socket when connected (a busy socket coalesces queued writes into one writev).
   */
  send(frames: Buffer, count: number): void {
    switch (this.state) {
      case 'connected': {
        const socket = this.socket;
        if (socket === undefined || socket.writableLength + frames.length > this.config.maxBufferedBytes) {
          this.drop(count, socket === undefined ? 'not connected' : 'outbound buffer full');
          return;
        }
        socket.write(frames);
        this.sentMsgs += count;
        this.sentBytes += frames.length;
        return;
      }
      case 'connecting':
        if (this.pendingBytes + frames.length > this.config.maxBufferedBytes) {
          this.drop(count, 'outbound buffer full');
          return;
        }
        this.pending.push(frames);
        this.pendingBytes += frames.length;
        this.pendingMsgs += count;
        return;
      case 'backoff':
        this.drop(count, 'not connected');
        return;
      case 'stopped':
        return;
    }
  }

  /** Replaces the peer's URLs; a connection to a URL no longer listed is closed and redialed. */
  setAddresses(addresses: readonly PeerAddress[]): void {
    const current = this.currentAddress;
    this.addresses = [...addresses];
    const index = current === undefined ? -1 : this.addresses.findIndex((a) => a.url === current.url);
    this.addressIndex = Math.max(index, 0);
    if (index >= 0 || this.state === 'stopped') return;
    this.log.info({ urls: this.addresses.map((a) => a.url) }, 'peer URLs changed; reconnecting');
    this.failures = 0;
    this.teardown();
    this.dial();
  }

  stop(): void {
    this.state = 'stopped';
    this.teardown();
  }

  private teardown(): void {
    this.dialAbort?.abort();
    this.dialAbort = undefined;
    clearTimeout(this.redialTimer);
    this.redialTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
    this.dropPending('connection closed');
  }

  private dial(): void {
    const address = this.currentAddress;
    if (this.state === 'stopped') return;
    if (address === undefined) {
      this.state = 'backoff';
      this.log.warn('peer has no URLs; not dialing');
      return;
    }
    this.state = 'connecting';
    const abort = new AbortController();
    this.dialAbort = abort;
    dialPeer({
      address,
      clusterId: this.config.clusterId,
      from: this.config.memberId,
      to: this.id,
      channel: 'stream',
      ...(this.config.advertisePeerUrls === undefined ? {} : { peerUrls: this.config.advertisePeerUrls }),
      timeoutMs: this.config.dialTimeoutMs,
      maxFrameBytes: this.config.maxFrameBytes,
      signal: abort.signal,
    }).then(
      (conn) => {
        if (this.dialAbort !== abort) {
          conn.socket.destroy(); // superseded by setAddresses() or stop()
          return;
        }
        this.onConnected(conn.socket, conn.decoder);
      },
      (err: unknown) => {
        if (this.dialAbort !== abort) return;
        this.onDialFailed(address, err);
      },
    );
  }

  private onConnected(socket: net.Socket, decoder: FrameDecoder): void {
    this.dialAbort = undefined;
    this.socket = socket;
    this.state = 'connected';
    this.connectedAtMs = performance.now();
    this.log.info({ url: this.currentAddress?.url }, 'established stream connection with peer');
    socket.on('data', (chunk: Buffer) => {
      // The listener sends nothing on a stream after the handshake, except an error before closing.
      try {
        for (const frame of decoder.push(chunk)) {
          const detail = frame.kind === FrameKind.ERROR ? decodeError(frame.payload).message : `unexpected frame kind ${frame.kind}`;
          this.log.error({ url: this.currentAddress?.url }, `peer closed the stream: ${detail}`);
        }
      } catch (err) {
        this.log.error({ err }, 'undecodable bytes from peer on the stream; closing it');
        socket.destroy();
      }
    });
    socket.on('error', (err) => this.log.debug({ err }, 'stream connection error'));
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.onConnectionLost();
    });
    if (this.pending.length > 0) {
      const frames = Buffer.concat(this.pending, this.pendingBytes);
      const count = this.pendingMsgs;
      this.clearPending();
      this.send(frames, count);
    }
  }

  private onConnectionLost(): void {
    if (this.state === 'stopped') return;
    this.log.warn({ url: this.currentAddress?.url }, 'lost stream connection with peer');
    if (performance.now() - this.connectedAtMs > this.config.maxBackoffMs) this.failures = 0;
    this.failures++;
    this.notifyUnreachable();
    this.scheduleRedial();
  }

  private onDialFailed(address: PeerAddress, err: unknown): void {
    this.dialAbort = undefined;
    this.failures++;
    if (this.addresses.length > 0) this.addressIndex = (this.addressIndex + 1) % this.addresses.length;
    const code = err instanceof TransportError ? err.code : undefined;
    const fields = { url: address.url, code, failures: this.failures, err };
    const msg = `cannot connect to peer ${this.id}: ${err instanceof Error ? err.message : String(err)}`;
    if (isRefusal(err)) this.log.error(fields, msg);
    else if (this.failures === 1) this.log.warn(fields, msg);
    else this.log.debug(fields, msg);
    this.dropPending('dial failed');
    this.scheduleRedial();
  }

  private scheduleRedial(): void {
    this.state = 'backoff';
    const delayMs = backoffDelayMs(this.failures, this.config.minBackoffMs, this.config.maxBackoffMs, this.config.random);
    this.log.debug({ delayMs, failures: this.failures }, 'redialing peer after backoff');
    this.redialTimer = setTimeout(() => {
      this.redialTimer = undefined;
      this.dial();
    }, delayMs);
  }

  private drop(count: number, reason: string): void {
    this.droppedMsgs += count;
    // While the peer is down drops are expected (and reported as unreachable); a backed-up live
    // connection is worth a warning, as often as the unreachable report.
    const reported = this.notifyUnreachable();
    if (reason === 'outbound buffer full' && reported) {
      const fields = { count, droppedMsgs: this.droppedMsgs, maxBufferedBytes: this.config.maxBufferedBytes };
      this.log.warn(fields, 'outbound buffer to peer is full; dropping messages');
    } else this.log.trace({ count, reason }, 'dropped messages to peer');
  }

  private dropPending(reason: string): void {
    if (this.pendingMsgs === 0) return;
    const count = this.pendingMsgs;
    this.clearPending();
    this.drop(count, reason);
  }

  private clearPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingMsgs = 0;
  }

  /** Tells the member, at most once per unreachableReportIntervalMs; returns whether it did. */
  private notifyUnreachable(): boolean {
    if (this.state === 'stopped') return false;
    const now = performance.now();
    if (now - this.lastUnreachableMs < this.config.unreachableReportIntervalMs) return false;
    this.lastUnreachableMs = now;
    this.reportUnreachable(this.id);
    return true;
  }
}
