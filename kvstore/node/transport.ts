/**
 * The peer transport of a store member: carries raft messages and snapshots between members over
 * TCP. One persistent outbound connection per peer carries messages in order; each snapshot gets a
 * connection of its own. The wire format is described in transport_frame.ts (framing),
 * transport_codec.ts (payloads) and transport_snapshot.ts (snapshot transfer).
 *
 * Handlers are never called from inside a method of this class (send, addPeer, ...): messages and
 * snapshots arrive from socket events, and reports are deferred to a microtask. None is called
 * after stop().
 */
import { constants as bufferConstants } from 'node:buffer';
import * as net from 'node:net';
import type { Logger } from 'pino';
import type { Message, MsgSnap, NodeId } from '../../raft/index.js';
import { type MembersReply, pack } from './transport_codec.js';
import { TransportError, TransportErrorCode } from './transport_errors.js';
import { FrameKind, frameHeader } from './transport_frame.js';
import { type InboundHost, InboundConnection } from './transport_inbound.js';
import { type ReceivedSnapshot, sendSnapshotStream } from './transport_snapshot.js';
import { PeerStream, type PeerStreamConfig } from './transport_stream.js';
import { type PeerAddress, joinHostPort, parsePeerUrl } from './transport_url.js';

export interface TransportHandlers {
  /** A raft message from a peer (its cluster id was checked). Called in arrival order per peer. */
  onMessage(msg: Message): void;
  /**
   * An incoming snapshot: the raft MsgSnap plus the application state bytes streamed with it
   * (fully received, reassembled and checksummed). Throwing tells the sender it failed.
   */
  onSnapshot(msg: MsgSnap, state: Uint8Array): void;
  /** A message to `id` could not be delivered (connection down / write failed): the member calls raft reportUnreachable. */
  onUnreachable(id: NodeId): void;
  /** Result of sending a snapshot to `id`: the member calls raft reportSnapshot(id, ok). */
  onSnapshotStatus(id: NodeId, ok: boolean): void;
  /** The cluster id was learned from a peer (only when the transport was created with clusterId 0). */
  onClusterId?(id: number): void;
  /** A peer that dialed us announced its peer URLs (lets a joining member answer peers it does not know yet). */
  onPeerAnnounced?(id: NodeId, peerUrls: readonly string[]): void;
  /** The cluster's membership, for a member that asks (one joining the cluster); none when absent. */
  membership?(): MembersReply;
}

export interface TransportOptions {
  /** The cluster's id, a positive integer below 2^53. Peers of another cluster are refused. */
  readonly clusterId: number;
  /** This member's id, a positive integer below 2^53. */
  readonly memberId: NodeId;
  /** Where to accept peers, e.g. ["http://127.0.0.1:2380"]. `http` means plain TCP; port 0 picks a free port. */
  readonly listenPeerUrls: readonly string[];
  /** This member's advertised peer URLs, sent in every handshake. */
  readonly advertisePeerUrls?: readonly string[];
  readonly logger: Logger;
  readonly handlers: TransportHandlers;
  /** Deadline for connecting to a peer and completing the handshake (default 3000). */
  readonly dialTimeoutMs?: number;
  /** First redial delay after a failure (default 50); doubles per consecutive failure. */
  readonly minBackoffMs?: number;
  /** Ceiling of the redial delay (default 1000). Delays are jittered into [d/2, d). */
  readonly maxBackoffMs?: number;
  /** Largest frame accepted or sent (default 32 MiB). One raft message is one frame. */
  readonly maxFrameBytes?: number;
  /** Bytes allowed to wait in one peer's outbound socket before messages are dropped (default 64 MiB). */
  readonly maxBufferedBytes?: number;
  /** Size of the chunks a snapshot's state is streamed in (default 1 MiB). */
  readonly snapshotChunkBytes?: number;
  /** A snapshot transfer fails when it makes no progress for this long (default 30000). */
  readonly snapshotIdleTimeoutMs?: number;
  /** Largest snapshot state accepted (default: the largest Buffer, or 8 GiB if less). */
  readonly maxSnapshotBytes?: number;
  /** onUnreachable is called at most once per peer per interval (default 100). */
  readonly unreachableReportIntervalMs?: number;
  /** Uniform in [0, 1), for backoff jitter (default Math.random). */
  readonly random?: () => number;
}

/** One row of stats(), for /metrics. Counters start at zero when the peer is first seen. */
export interface PeerStats {
  /** The outbound message stream's handshake has completed and the connection is up. */
  connected: boolean;
  /** A message stream from this peer is currently accepted. */
  inboundConnected: boolean;
  sentMsgs: number;
  sentBytes: number;
  /** Messages dropped because the connection was down or backed up. */
  droppedMsgs: number;
  recvMsgs: number;
  recvBytes: number;
  snapshotsSent: number;
  snapshotsFailed: number;
  snapshotsReceived: number;
}

const MiB = 1024 * 1024;

interface Counters {
  recvMsgs: number;
  recvBytes: number;
  snapshotsSent: number;
  snapshotsFailed: number;
  snapshotsReceived: number;
}

function checkId(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TransportError(TransportErrorCode.INVALID_OPTIONS, `${what} must be a positive integer below 2^53, got ${String(value)}`);
  }
  return value;
}

function checkPositive(value: number | undefined, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw new TransportError(TransportErrorCode.INVALID_OPTIONS, `${what} must be positive, got ${v}`);
  return v;
}

export class PeerTransport {
  /** 0 until learned, for a member joining an existing cluster (see TransportOptions.clusterId). */
  private clusterId: number;
  private readonly memberId: NodeId;
  private readonly handlers: TransportHandlers;
  private readonly log: Logger;
  private readonly listenUrls: readonly PeerAddress[];
  private readonly streamConfig: PeerStreamConfig;
  private readonly snapshotChunkBytes: number;
  private readonly snapshotIdleTimeoutMs: number;
  private readonly inboundHost: InboundHost;
  private phase: 'new' | 'starting' | 'running' | 'stopped' = 'new';
  private servers: net.Server[] = [];
  private readonly streams = new Map<NodeId, PeerStream>();
  private readonly inbound = new Set<InboundConnection>();
  /** The accepted message stream of each peer; a newer one replaces (and closes) the older. */
  private readonly inboundStreams = new Map<NodeId, InboundConnection>();
  private readonly snapshotSends = new Set<AbortController>();
  private readonly counters = new Map<NodeId, Counters>();

  constructor(opts: TransportOptions) {
    this.clusterId = opts.clusterId === 0 ? 0 : checkId(opts.clusterId, 'clusterId');
    this.memberId = checkId(opts.memberId, 'memberId');
    this.handlers = opts.handlers;
    this.log = opts.logger.child({ component: 'transport', member: opts.memberId });
    this.listenUrls = opts.listenPeerUrls.map(parsePeerUrl);
    const maxBackoffMs = checkPositive(opts.maxBackoffMs, 1000, 'maxBackoffMs');
    const maxFrameBytes = checkPositive(opts.maxFrameBytes, 32 * MiB, 'maxFrameBytes');
    const dialTimeoutMs = checkPositive(opts.dialTimeoutMs, 3000, 'dialTimeoutMs');
    this.streamConfig = {
      clusterId: this.clusterId,
      memberId: this.memberId,
      ...(opts.advertisePeerUrls === undefined ? {} : { advertisePeerUrls: opts.advertisePeerUrls }),
      dialTimeoutMs,
      minBackoffMs: Math.min(checkPositive(opts.minBackoffMs, 50, 'minBackoffMs'), maxBackoffMs),
      maxBackoffMs,
      maxBufferedBytes: checkPositive(opts.maxBufferedBytes, 64 * MiB, 'maxBufferedBytes'),
      maxFrameBytes,
      unreachableReportIntervalMs: checkPositive(opts.unreachableReportIntervalMs, 100, 'unreachableReportIntervalMs'),
      random: opts.random ?? Math.random,
    };
    // A chunk plus its kind byte must fit in a frame.
    this.snapshotChunkBytes = Math.min(checkPositive(opts.snapshotChunkBytes, MiB, 'snapshotChunkBytes'), maxFrameBytes - 1);
    this.snapshotIdleTimeoutMs = checkPositive(opts.snapshotIdleTimeoutMs, 30_000, 'snapshotIdleTimeoutMs');
    const maxSnapshotBytes = checkPositive(opts.maxSnapshotBytes, Math.min(bufferConstants.MAX_LENGTH, 8 * 1024 * MiB), 'maxSnapshotBytes');
    this.inboundHost = {
      clusterId: this.clusterId,
      memberId: this.memberId,
      maxFrameBytes,
      maxSnapshotBytes,
      handshakeTimeoutMs: dialTimeoutMs,
      snapshotIdleTimeoutMs: this.snapshotIdleTimeoutMs,
      log: this.log,
      streamOpened: (from, conn) => this.onInboundStream(from, conn),
      closed: (conn) => this.onInboundClosed(conn),
      message: (from, msg, frameBytes) => this.onInboundMessage(from, msg, frameBytes),
      snapshot: (from, received) => this.onInboundSnapshot(from, received),
      adoptClusterId: (id) => this.adoptClusterId(id),
      peerAnnounced: (from, urls) => this.notify(() => this.handlers.onPeerAnnounced?.(from, urls)),
      membership: () => this.handlers.membership?.() ?? { clusterId: this.clusterId, members: [] },
    };
  }

  /**
   * A member joining an existing cluster starts without a cluster id and takes the one of the
   * first peer that contacts it (the leader, once the member was added).
   */
  private adoptClusterId(id: number): void {
    if (this.clusterId !== 0) return;
    this.clusterId = id;
    (this.streamConfig as { clusterId: number }).clusterId = id;
    (this.inboundHost as { clusterId: number }).clusterId = id;
    this.log.info({ clusterId: id }, 'learned the cluster id from a peer');
    this.handlers.onClusterId?.(id);
  }

  /** Listens on every listen URL. Rejects (and listens on none) if any of them fails. */
  async start(): Promise<void> {
    if (this.phase !== 'new') throw new TransportError(TransportErrorCode.INVALID_OPTIONS, `start() called on a transport that is ${this.phase}`);
    this.phase = 'starting';
    try {
      for (const address of this.listenUrls) this.servers.push(await this.listen(address));
    } catch (err) {
      await this.closeServers();
      this.phase = 'new';
      throw err;
    }
    if (this.phase !== 'starting') {
      await this.closeServers(); // stopped while starting
      return;
    }
    this.phase = 'running';
    this.log.info({ addresses: this.listenAddresses() }, 'listening for peers');
  }

  /** The actual host:port of each listener, in listenPeerUrls order (useful with port 0). */
  listenAddresses(): string[] {
    return this.servers.flatMap((server) => {
      const address = server.address();
      return address !== null && typeof address === 'object' ? [joinHostPort(address.address, address.port)] : [];
    });
  }

  /** Starts dialing `id`. Adding a known peer replaces its URLs. */
  addPeer(id: NodeId, peerUrls: readonly string[]): void {
    checkId(id, 'peer id');
    if (id === this.memberId) throw new TransportError(TransportErrorCode.INVALID_OPTIONS, `member ${id} cannot be its own peer`);
    const addresses = peerUrls.map(parsePeerUrl);
    if (this.phase === 'stopped') return;
    const existing = this.streams.get(id);
    if (existing !== undefined) {
      existing.setAddresses(addresses);
      return;
    }
    const stream = new PeerStream(id, addresses, this.streamConfig, this.log.child({ peer: id }), (peer) =>
      this.notify(() => this.handlers.onUnreachable(peer)),
    );
    this.streams.set(id, stream);
    this.counter(id);
    this.log.info({ peer: id, urls: peerUrls }, 'added peer');
    stream.start();
  }

  updatePeer(id: NodeId, peerUrls: readonly string[]): void {
    const stream = this.streams.get(id);
    if (stream === undefined) {
      this.addPeer(id, peerUrls);
      return;
    }
    stream.setAddresses(peerUrls.map(parsePeerUrl));
  }

  /** Stops dialing `id` and closes its connections. */
  removePeer(id: NodeId): void {
    this.streams.get(id)?.stop();
    this.streams.delete(id);
    this.inboundStreams.get(id)?.close();
    this.counters.delete(id);
    this.log.info({ peer: id }, 'removed peer');
  }

  /**
   * Queues messages for their peers without blocking. Each peer's messages from one call go out in
   * one write, in the order given. MsgSnap belongs to sendSnapshot(); messages to unknown peers are
   * dropped (raft may still address a member that was just removed).
   */
  send(msgs: readonly Message[]): void {
    if (this.phase === 'stopped') return;
    const batches = new Map<NodeId, { parts: Buffer[]; bytes: number; count: number }>();
    for (const msg of msgs) {
      if (msg.type === 'MsgSnap') {
        this.log.error({ peer: msg.to }, 'MsgSnap handed to send(); snapshots must go through sendSnapshot(); dropped');
        continue;
      }
      const stream = this.streams.get(msg.to);
      if (stream === undefined) {
        this.log.debug({ peer: msg.to, type: msg.type }, 'dropped a message to an unknown peer');
        continue;
      }
      let payload: Buffer;
      try {
        payload = pack(msg);
      } catch (err) {
        this.log.error({ err, peer: msg.to, type: msg.type }, 'cannot encode message; dropped');
        continue;
      }
      if (payload.length + 1 > this.streamConfig.maxFrameBytes) {
        this.log.error(
          { peer: msg.to, type: msg.type, bytes: payload.length },
          `message exceeds maxFrameBytes (${this.streamConfig.maxFrameBytes}); dropped`,
        );
        stream.droppedMsgs++;
        continue;
      }
      let batch = batches.get(msg.to);
      if (batch === undefined) batches.set(msg.to, (batch = { parts: [], bytes: 0, count: 0 }));
      batch.parts.push(frameHeader(FrameKind.MESSAGE, payload.length), payload);
      batch.bytes += payload.length + 5;
      batch.count++;
    }
    for (const [id, batch] of batches) {
      this.streams.get(id)?.send(Buffer.concat(batch.parts, batch.bytes), batch.count);
    }
  }

  /**
   * Streams a snapshot to msg.to on a connection of its own, then reports the outcome through
   * onSnapshotStatus: ok once the receiver acknowledged taking it, not ok on any failure.
   */
  sendSnapshot(msg: MsgSnap, state: Uint8Array): void {
    if (this.phase === 'stopped') return;
    const to = msg.to;
    const address = this.streams.get(to)?.currentAddress;
    if (address === undefined) {
      this.log.warn({ peer: to }, 'cannot send a snapshot to an unknown peer');
      this.notify(() => this.handlers.onSnapshotStatus(to, false));
      return;
    }
    const log = this.log.child({ peer: to });
    const abort = new AbortController();
    this.snapshotSends.add(abort);
    const startedMs = performance.now();
    const fields = { index: msg.snapshot.metadata.index, sizeBytes: state.length, url: address.url };
    log.info(fields, 'sending snapshot to peer');
    sendSnapshotStream({
      address,
      clusterId: this.clusterId,
      memberId: this.memberId,
      msg,
      state,
      chunkBytes: this.snapshotChunkBytes,
      dialTimeoutMs: this.streamConfig.dialTimeoutMs,
      idleTimeoutMs: this.snapshotIdleTimeoutMs,
      maxFrameBytes: this.streamConfig.maxFrameBytes,
      signal: abort.signal,
    }).then(
      () => {
        log.info({ ...fields, durationMs: Math.round(performance.now() - startedMs) }, 'snapshot sent to peer');
        this.finishSnapshot(abort, to, true);
      },
      (err: unknown) => {
        if (!abort.signal.aborted) log.warn({ ...fields, err, code: (err as { code?: unknown }).code }, 'failed to send snapshot to peer');
        this.finishSnapshot(abort, to, false);
      },
    );
  }

  /** Closes the listeners and every connection, and cancels timers. Idempotent. */
  async stop(): Promise<void> {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    for (const stream of this.streams.values()) stream.stop();
    for (const abort of this.snapshotSends) abort.abort();
    this.snapshotSends.clear();
    for (const conn of this.inbound) conn.close();
    this.inbound.clear();
    this.inboundStreams.clear();
    await this.closeServers();
    this.log.info('transport stopped');
  }

  stats(): { [peer: string]: PeerStats } {
    const out: { [peer: string]: PeerStats } = {};
    for (const [id, c] of this.counters) {
      const stream = this.streams.get(id);
      out[String(id)] = {
        connected: stream?.connected ?? false,
        inboundConnected: this.inboundStreams.has(id),
        sentMsgs: stream?.sentMsgs ?? 0,
        sentBytes: stream?.sentBytes ?? 0,
        droppedMsgs: stream?.droppedMsgs ?? 0,
        ...c,
      };
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------

  private listen(address: PeerAddress): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ noDelay: true });
      const onError = (err: NodeJS.ErrnoException): void => {
        const where = `listen tcp ${joinHostPort(address.host, address.port)}`;
        reject(
          err.code === 'EADDRINUSE'
            ? new TransportError(TransportErrorCode.ADDR_IN_USE, `${where}: bind: address already in use`, { cause: err })
            : new TransportError(TransportErrorCode.LISTEN_FAILED, `${where}: ${err.message}`, { cause: err }),
        );
      };
      server.once('error', onError);
      server.on('connection', (socket) => this.accept(socket));
      server.listen({ host: address.host, port: address.port }, () => {
        server.off('error', onError);
        server.on('error', (err) => this.log.error({ err, url: address.url }, 'peer listener error'));
        resolve(server);
      });
    });
  }

  private accept(socket: net.Socket): void {
    if (this.phase === 'stopped') {
      socket.destroy();
      return;
    }
    this.inbound.add(new InboundConnection(socket, this.inboundHost));
  }

  private async closeServers(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }

  private onInboundStream(from: NodeId, conn: InboundConnection): void {
    const previous = this.inboundStreams.get(from);
    this.inboundStreams.set(from, conn);
    this.counter(from);
    if (previous !== undefined && previous !== conn) {
      this.log.info({ peer: from }, 'peer opened a new stream; closing its previous one');
      previous.close();
    }
  }

  private onInboundClosed(conn: InboundConnection): void {
    this.inbound.delete(conn);
    if (conn.peer !== undefined && this.inboundStreams.get(conn.peer) === conn) this.inboundStreams.delete(conn.peer);
  }

  private onInboundMessage(from: NodeId, msg: Message, frameBytes: number): void {
    if (this.phase === 'stopped') return;
    const c = this.counter(from);
    c.recvMsgs++;
    c.recvBytes += frameBytes;
    try {
      this.handlers.onMessage(msg);
    } catch (err) {
      this.log.error({ err, peer: from, type: msg.type }, 'onMessage handler threw');
    }
  }

  private onInboundSnapshot(from: NodeId, received: ReceivedSnapshot): void {
    if (this.phase === 'stopped') throw new TransportError(TransportErrorCode.STOPPED, 'transport stopped');
    this.handlers.onSnapshot(received.msg, received.state);
    this.counter(from).snapshotsReceived++;
  }

  private finishSnapshot(abort: AbortController, to: NodeId, ok: boolean): void {
    this.snapshotSends.delete(abort);
    const c = this.counters.get(to);
    if (c !== undefined) {
      if (ok) c.snapshotsSent++;
      else c.snapshotsFailed++;
    }
    this.notify(() => this.handlers.onSnapshotStatus(to, ok));
  }

  private counter(id: NodeId): Counters {
    let c = this.counters.get(id);
    if (c === undefined) {
      c = { recvMsgs: 0, recvBytes: 0, snapshotsSent: 0, snapshotsFailed: 0, snapshotsReceived: 0 };
      this.counters.set(id, c);
    }
    return c;
  }

  /** Calls a handler on a later microtask (never re-entrantly), unless stopped, and contains its failures. */
  private notify(call: () => void): void {
    queueMicrotask(() => {
      if (this.phase === 'stopped') return;
      try {
        call();
      } catch (err) {
        this.log.error({ err }, 'transport handler threw');
      }
    });
  }
}
