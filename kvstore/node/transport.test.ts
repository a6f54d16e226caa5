import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Entry, Message, MsgApp, MsgHeartbeat, MsgSnap, NodeId } from '../../raft/index.js';
import { PeerTransport, type TransportOptions } from './transport.js';
import { PROTOCOL_MAGIC, PROTOCOL_VERSION, decodeHello, pack } from './transport_codec.js';
import { TransportErrorCode } from './transport_errors.js';
import { FrameDecoder, FrameKind, crc32, encodeFrame } from './transport_frame.js';

// ---------------------------------------------------------------------------------------------
// Harness: members on loopback with port 0, log records captured, conditions polled to a deadline.
// ---------------------------------------------------------------------------------------------

interface LogRecord {
  level: number;
  msg: string;
  code?: string;
  [key: string]: unknown;
}

const ERROR = 50;

async function waitFor(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Member {
  readonly id: NodeId;
  readonly transport: PeerTransport;
  readonly url: string;
  readonly port: number;
  readonly received: Message[];
  readonly snapshots: { msg: MsgSnap; state: Uint8Array }[];
  readonly unreachable: NodeId[];
  readonly snapshotStatus: [NodeId, boolean][];
  readonly logs: LogRecord[];
}

const running = new Set<PeerTransport>();
const rawSockets = new Set<net.Socket | net.Server>();

afterEach(async () => {
  for (const s of rawSockets) (s instanceof net.Server ? s.close() : s.destroy());
  rawSockets.clear();
  await Promise.all([...running].map((t) => t.stop()));
  running.clear();
  vi.restoreAllMocks();
});

async function startMember(
  id: NodeId,
  opts: { port?: number; clusterId?: number; onSnapshot?: (msg: MsgSnap, state: Uint8Array) => void } & Partial<TransportOptions> = {},
): Promise<Member> {
  const logs: LogRecord[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogRecord) });
  const m = {
    id,
    received: [] as Message[],
    snapshots: [] as { msg: MsgSnap; state: Uint8Array }[],
    unreachable: [] as NodeId[],
    snapshotStatus: [] as [NodeId, boolean][],
    logs,
  };
  const transport = new PeerTransport({
    minBackoffMs: 10,
    maxBackoffMs: 100,
    ...opts,
    clusterId: opts.clusterId ?? 7,
    memberId: id,
    listenPeerUrls: [`http://127.0.0.1:${opts.port ?? 0}`],
    logger,
    handlers: {
      onMessage: (msg) => void m.received.push(msg),
      onSnapshot: (msg, state) => {
        opts.onSnapshot?.(msg, state);
        m.snapshots.push({ msg, state });
      },
      onUnreachable: (peer) => void m.unreachable.push(peer),
      onSnapshotStatus: (peer, ok) => void m.snapshotStatus.push([peer, ok]),
    },
  });
  await transport.start();
  running.add(transport);
  const address = transport.listenAddresses()[0] ?? '';
  return { ...m, transport, url: `http://${address}`, port: Number(address.split(':').pop()) };
}

/** Every member dials every other. */
function mesh(...members: Member[]): void {
  for (const a of members) for (const b of members) if (a !== b) a.transport.addPeer(b.id, [b.url]);
}

async function connected(from: Member, to: Member): Promise<void> {
  await waitFor(`${from.id} connected to ${to.id}`, () => from.transport.stats()[String(to.id)]?.connected === true);
}

function heartbeat(from: NodeId, to: NodeId, commit: number, context?: Uint8Array): MsgHeartbeat {
  return { type: 'MsgHeartbeat', from, to, term: 1, commit, ...(context ? { context } : {}) };
}

function app(from: NodeId, to: NodeId, index: number, entries: Entry[] = []): MsgApp {
  return { type: 'MsgApp', from, to, term: 3, index, logTerm: 3, commit: index, entries };
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

function errorsWithCode(m: Member, code: string): LogRecord[] {
  return m.logs.filter((r) => r.level >= ERROR && r.code === code);
}

// ---------------------------------------------------------------------------------------------

describe('PeerTransport messages', () => {
  it('exchanges messages both ways, binary entry data byte-exact', async () => {
    const a = await startMember(1);
    const b = await startMember(2);
    mesh(a, b);

    const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const big = randomBytes(3 * 1024 * 1024);
    const entries: Entry[] = [
      { term: 3, index: 11, type: 'normal', data: allBytes },
      { term: 3, index: 12, type: 'normal', data: new Uint8Array(0) },
      { term: 3, index: 13, type: 'confChange', data: big },
    ];
    const sent: Message = app(1, 2, 10, entries);
    a.transport.send([sent]); // handed over while the connection is still being set up
    b.transport.send([heartbeat(2, 1, 5, Uint8Array.of(0, 1, 2)), { type: 'MsgReadIndex', from: 2, to: 1, term: 0, context: Uint8Array.of(9) }]);

    await waitFor('b receives the MsgApp', () => b.received.length === 1);
    await waitFor('a receives two messages', () => a.received.length === 2);

    const got = b.received[0] as MsgApp;
    expect(got.type).toBe('MsgApp');
    expect({ ...got, entries: [] }).toEqual({ ...sent, entries: [] });
    expect(got.entries).toHaveLength(3);
    got.entries.forEach((e, i) => {
      const want = entries[i] as Entry;
      expect(e.data).toBeInstanceOf(Uint8Array);
      expect(sameBytes(e.data, want.data)).toBe(true);
      expect({ ...e, data: null }).toEqual({ ...want, data: null });
    });
    const [hb, ri] = a.received;
    expect(hb?.type).toBe('MsgHeartbeat');
    expect(sameBytes((hb as MsgHeartbeat).context, Uint8Array.of(0, 1, 2))).toBe(true);
    expect(ri?.type).toBe('MsgReadIndex');

    const stats = a.transport.stats()['2'];
    expect(stats).toMatchObject({ connected: true, sentMsgs: 1, recvMsgs: 2 });
  });

  it('three members all reach each other', async () => {
    const ms = await Promise.all([1, 2, 3].map((id) => startMember(id)));
    mesh(...ms);
    for (const from of ms) {
      from.transport.send(ms.filter((to) => to !== from).map((to) => heartbeat(from.id, to.id, from.id * 10 + to.id)));
    }
    for (const m of ms) await waitFor(`member ${m.id} hears from both others`, () => m.received.length === 2);
    for (const m of ms) {
      const senders = m.received.map((msg) => msg.from).sort();
      expect(senders).toEqual(ms.filter((o) => o !== m).map((o) => o.id));
      for (const msg of m.received) expect((msg as MsgHeartbeat).commit).toBe(msg.from * 10 + m.id);
    }
  });

  it('delivers a burst of 10,000 messages in order', async () => {
    const a = await startMember(1);
    const b = await startMember(2);
    mesh(a, b);
    await connected(a, b);
    const total = 10_000;
    // Half in one call, half one message per call: both paths must keep the order.
    a.transport.send(Array.from({ length: total / 2 }, (_, i) => app(1, 2, i + 1, [{ term: 3, index: i + 1, type: 'normal', data: randomBytes(16) }])));
    for (let i = total / 2; i < total; i++) a.transport.send([app(1, 2, i + 1)]);
    await waitFor('all 10,000 delivered', () => b.received.length >= total);
    expect(b.received).toHaveLength(total);
    const indexes = b.received.map((m) => (m as MsgApp).index);
    expect(indexes).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(a.transport.stats()['2']?.droppedMsgs).toBe(0);
  });

  it('writes all messages of one send() call to a peer in one socket write', async () => {
    const a = await startMember(1);
    const b = await startMember(2);
    const c = await startMember(3);
    mesh(a, b, c);
    await connected(a, b);
    await connected(a, c);
    const write = vi.spyOn(net.Socket.prototype, 'write');
    a.transport.send([
      ...Array.from({ length: 50 }, (_, i) => heartbeat(1, 2, i)),
      ...Array.from({ length: 50 }, (_, i) => heartbeat(1, 3, i)),
    ]);
    expect(write).toHaveBeenCalledTimes(2); // one per peer
    write.mockRestore();
    await waitFor('both peers receive 50', () => b.received.length === 50 && c.received.length === 50);
  });

  it('redials a peer that restarts on the same port, reporting it unreachable while down', async () => {
    const a = await startMember(1);
    let b = await startMember(2);
    mesh(a, b);
    a.transport.send([heartbeat(1, 2, 1)]);
    await waitFor('first message', () => b.received.length === 1);

    const port = b.port;
    await b.transport.stop();
    running.delete(b.transport);
    await waitFor('a reports b unreachable', () => a.unreachable.includes(2));
    expect(a.transport.stats()['2']?.connected).toBe(false);
    // Messages sent while b is down are dropped and reported.
    a.unreachable.length = 0;
    await waitFor('unreachable reported on send while down', () => {
      a.transport.send([heartbeat(1, 2, 2)]);
      return a.unreachable.includes(2);
    });

    b = await startMember(2, { port });
    b.transport.addPeer(1, [a.url]);
    await waitFor('messages flow to the restarted peer', () => {
      a.transport.send([heartbeat(1, 2, 3)]);
      return b.received.length > 0;
    });
    await connected(a, b);
    expect(b.received.every((m) => m.from === 1 && m.type === 'MsgHeartbeat')).toBe(true);
    // The restarted peer's own stream back to a works too.
    b.transport.send([heartbeat(2, 1, 9)]);
    await waitFor('a hears from the restarted peer', () => a.received.some((m) => (m as MsgHeartbeat).commit === 9));
  });

  it('follows a peer to its new URL on updatePeer, and forgets it on removePeer', async () => {
    const a = await startMember(1);
    let b = await startMember(2);
    mesh(a, b);
    await connected(a, b);
    await b.transport.stop();
    running.delete(b.transport);
    b = await startMember(2); // another port
    a.transport.updatePeer(2, [b.url]);
    await waitFor('messages flow to the new URL', () => {
      a.transport.send([heartbeat(1, 2, 1)]);
      return b.received.length > 0;
    });

    a.transport.removePeer(2);
    expect(a.transport.stats()['2']).toBeUndefined();
    a.unreachable.length = 0;
    a.transport.send([heartbeat(1, 2, 2)]); // to a member no longer known: dropped quietly
    await waitFor('b sees its inbound stream closed', () => b.transport.stats()['1']?.inboundConnected !== true);
    expect(a.unreachable).toEqual([]);
    expect(b.received.some((m) => (m as MsgHeartbeat).commit === 2)).toBe(false);
  });

  it('refuses a peer of another cluster: nothing delivered, both sides log the error', async () => {
    const a = await startMember(1, { clusterId: 7 });
    const b = await startMember(2, { clusterId: 8 });
    a.transport.addPeer(2, [b.url]);
    a.transport.send([heartbeat(1, 2, 1)]);
    await waitFor('listener logs the mismatch', () => errorsWithCode(b, TransportErrorCode.CLUSTER_ID_MISMATCH).length > 0);
    await waitFor('dialer logs the refusal', () => errorsWithCode(a, TransportErrorCode.CLUSTER_ID_MISMATCH).length > 0);
    await waitFor('dialer reports b unreachable', () => a.unreachable.includes(2));
    // A few more attempts, all refused.
    await waitFor('dialer retried', () => errorsWithCode(b, TransportErrorCode.CLUSTER_ID_MISMATCH).length >= 3);
    a.transport.send([heartbeat(1, 2, 2)]);
    expect(b.received).toHaveLength(0);
    expect(a.transport.stats()['2']?.connected).toBe(false);
    expect(b.transport.stats()['1']).toBeUndefined();
  });

  it('refuses a connection meant for another member', async () => {
    const a = await startMember(1);
    const b = await startMember(2);
    a.transport.addPeer(3, [b.url]); // wrong URL for member 3
    a.transport.send([heartbeat(1, 3, 1)]);
    await waitFor('listener logs the mismatch', () => errorsWithCode(b, TransportErrorCode.MEMBER_ID_MISMATCH).length > 0);
    await waitFor('dialer logs the refusal', () => errorsWithCode(a, TransportErrorCode.MEMBER_ID_MISMATCH).length > 0);
    expect(b.received).toHaveLength(0);
  });

  it('drops messages and reports unreachable when the outbound buffer is full', async () => {
    // A peer that completes the handshake and then never reads.
    const server = net.createServer((socket) => {
      rawSockets.add(socket);
      const decoder = new FrameDecoder(1 << 20);
      socket.on('data', (chunk: Buffer) => {
        for (const f of decoder.push(chunk)) {
          if (f.kind === FrameKind.HELLO) {
            socket.write(encodeFrame(FrameKind.HELLO_OK, pack({ version: PROTOCOL_VERSION, memberId: decodeHello(f.payload).to })));
            socket.pause();
          }
        }
      });
    });
    rawSockets.add(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const a = await startMember(1, { maxBufferedBytes: 1024 * 1024 });
    a.transport.addPeer(2, [`http://127.0.0.1:${port}`]);
    await waitFor('handshake with the stalled peer', () => a.transport.stats()['2']?.connected === true);
    const payload = randomBytes(1024 * 1024 - 200);
    for (let i = 0; i < 64; i++) a.transport.send([app(1, 2, i + 1, [{ term: 3, index: i + 1, type: 'normal', data: payload }])]);
    const stats = a.transport.stats()['2'];
    expect(stats?.droppedMsgs).toBeGreaterThan(0);
    expect((stats?.sentMsgs ?? 0) + (stats?.droppedMsgs ?? 0)).toBe(64);
    await waitFor('unreachable reported', () => a.unreachable.includes(2));
  });
});

describe('PeerTransport snapshots', () => {
  it('streams a multi-MiB snapshot intact and reports success', async () => {
    const a = await startMember(1, { snapshotChunkBytes: 256 * 1024 });
    const b = await startMember(2);
    mesh(a, b);
    const state = randomBytes(5 * 1024 * 1024 + 123);
    const msg: MsgSnap = {
      type: 'MsgSnap',
      from: 1,
      to: 2,
      term: 4,
      snapshot: { data: Uint8Array.of(1, 2, 3), metadata: { index: 900, term: 4, confState: { voters: [1, 2], learners: [] } } },
    };
    a.transport.sendSnapshot(msg, state);
    a.transport.send([heartbeat(1, 2, 1)]); // the stream is not held up behind the snapshot
    await waitFor('snapshot status', () => a.snapshotStatus.length === 1);
    expect(a.snapshotStatus).toEqual([[2, true]]);
    expect(b.snapshots).toHaveLength(1);
    const got = b.snapshots[0];
    expect(got?.state.length).toBe(state.length);
    expect(sameBytes(got?.state, state)).toBe(true);
    expect(got?.msg.snapshot.metadata).toEqual(msg.snapshot.metadata);
    expect(sameBytes(got?.msg.snapshot.data, msg.snapshot.data)).toBe(true);
    expect(b.received.some((m) => m.type === 'MsgSnap')).toBe(false);
    await waitFor('heartbeat delivered', () => b.received.length === 1);
    expect(a.transport.stats()['2']).toMatchObject({ snapshotsSent: 1, snapshotsFailed: 0 });
    expect(b.transport.stats()['1']).toMatchObject({ snapshotsReceived: 1 });
  });

  it('reports failure when the receiver cannot take the snapshot, or the peer is down or unknown', async () => {
    const a = await startMember(1);
    const b = await startMember(2, {
      onSnapshot: () => {
        throw new Error('disk full');
      },
    });
    mesh(a, b);
    const snap = (to: NodeId): MsgSnap => ({
      type: 'MsgSnap',
      from: 1,
      to,
      term: 4,
      snapshot: { data: new Uint8Array(0), metadata: { index: 5, term: 4, confState: { voters: [1, 2], learners: [] } } },
    });
    a.transport.sendSnapshot(snap(2), randomBytes(100_000));
    await waitFor('rejected snapshot reported', () => a.snapshotStatus.length === 1);
    expect(a.snapshotStatus[0]).toEqual([2, false]);

    a.transport.sendSnapshot(snap(9), randomBytes(10));
    await waitFor('unknown peer reported', () => a.snapshotStatus.length === 2);
    expect(a.snapshotStatus[1]).toEqual([9, false]);

    await b.transport.stop();
    a.transport.sendSnapshot(snap(2), randomBytes(10));
    await waitFor('down peer reported', () => a.snapshotStatus.length === 3);
    expect(a.snapshotStatus[2]).toEqual([2, false]);
  });

  it('ignores MsgSnap handed to send()', async () => {
    const a = await startMember(1);
    const b = await startMember(2);
    mesh(a, b);
    await connected(a, b);
    const msg: MsgSnap = {
      type: 'MsgSnap',
      from: 1,
      to: 2,
      term: 4,
      snapshot: { data: new Uint8Array(0), metadata: { index: 5, term: 4, confState: { voters: [1, 2], learners: [] } } },
    };
    a.transport.send([msg, heartbeat(1, 2, 1)]);
    await waitFor('heartbeat delivered', () => b.received.length === 1);
    expect(b.received[0]?.type).toBe('MsgHeartbeat');
    expect(a.logs.some((r) => r.level >= ERROR && /sendSnapshot/.test(r.msg))).toBe(true);
  });
});

describe('PeerTransport listening and bad input', () => {
  it('rejects a listen URL whose port is in use with TRANSPORT_ADDR_IN_USE', async () => {
    const a = await startMember(1);
    const err = await startMember(2, { port: a.port }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: TransportErrorCode.ADDR_IN_USE });
    expect((err as Error).message).toContain(`127.0.0.1:${a.port}`);
  });

  it('lets a member that joins without a cluster id learn it, and the peer URLs to answer, from the first handshake', async () => {
    const learned: number[] = [];
    const announced: Array<[NodeId, readonly string[]]> = [];
    const logger = pino({ level: 'silent' });
    const received: Message[] = [];
    const fresh = new PeerTransport({
      clusterId: 0,
      memberId: 3,
      listenPeerUrls: ['http://127.0.0.1:0'],
      logger,
      handlers: {
        onMessage: (m) => void received.push(m),
        onSnapshot() {},
        onUnreachable() {},
        onSnapshotStatus() {},
        onClusterId: (id) => void learned.push(id),
        onPeerAnnounced: (id, urls) => void announced.push([id, urls]),
      },
    });
    await fresh.start();
    running.add(fresh);
    const dialer = await startMember(4, { clusterId: 7, advertisePeerUrls: ['http://127.0.0.1:9'] });
    dialer.transport.addPeer(3, [`http://${fresh.listenAddresses()[0]}`]);
    dialer.transport.send([heartbeat(4, 3, 0)]);
    await waitFor('the joiner receives the heartbeat', () => received.length === 1);
    expect(learned).toEqual([7]);
    expect(announced).toEqual([[4, ['http://127.0.0.1:9']]]);
    // Once learned, a peer of another cluster is refused.
    const stranger = await startMember(5, { clusterId: 8 });
    stranger.transport.addPeer(3, [`http://${fresh.listenAddresses()[0]}`]);
    stranger.transport.send([heartbeat(5, 3, 0)]);
    await waitFor('the stranger is refused', () => errorsWithCode(stranger, TransportErrorCode.CLUSTER_ID_MISMATCH).length > 0);
    expect(received).toHaveLength(1);
  });

  it('rejects https and malformed URLs with TRANSPORT_INVALID_URL', () => {
    const logger = pino({ level: 'silent' });
    const handlers = { onMessage() {}, onSnapshot() {}, onUnreachable() {}, onSnapshotStatus() {} };
    const make = (url: string) => () => new PeerTransport({ clusterId: 1, memberId: 1, listenPeerUrls: [url], logger, handlers });
    expect(make('https://127.0.0.1:2380')).toThrow(expect.objectContaining({ code: TransportErrorCode.INVALID_URL }));
    expect(make('127.0.0.1:2380')).toThrow(expect.objectContaining({ code: TransportErrorCode.INVALID_URL }));
    expect(make('http://127.0.0.1')).toThrow(expect.objectContaining({ code: TransportErrorCode.INVALID_URL }));
    expect(() => new PeerTransport({ clusterId: -1, memberId: 1, listenPeerUrls: [], logger, handlers })).toThrow(
      expect.objectContaining({ code: TransportErrorCode.INVALID_OPTIONS }),
    );
  });

  /** Connects a raw socket to `m`, writes `bytes`, and waits for `m` to close it. */
  async function rawExchange(m: Member, ...writes: Buffer[]): Promise<void> {
    const socket = net.connect({ host: '127.0.0.1', port: m.port });
    rawSockets.add(socket);
    socket.on('error', () => {});
    socket.on('data', () => {});
    let closed = false;
    socket.on('close', () => (closed = true));
    await new Promise((resolve) => socket.once('connect', resolve));
    for (const w of writes) socket.write(w);
    await waitFor('the transport closes the malformed connection', () => closed);
  }

  const hello = (to: NodeId, from = 2, channel = 'stream'): Buffer =>
    encodeFrame(FrameKind.HELLO, pack({ magic: PROTOCOL_MAGIC, version: PROTOCOL_VERSION, clusterId: 7, from, to, channel }));

  it('closes connections that send malformed bytes and keeps serving other peers', async () => {
    const a = await startMember(1);
    const b = await startMember(2);
    mesh(a, b);
    b.transport.send([heartbeat(2, 1, 1)]);
    await waitFor('first heartbeat', () => a.received.length === 1);

    const lengthPrefix = (n: number): Buffer => {
      const buf = Buffer.alloc(4);
      buf.writeUInt32BE(n);
      return buf;
    };
    const cases: [string, Buffer[]][] = [
      ['random bytes', [randomBytes(4096)]],
      ['a huge length prefix', [lengthPrefix(0xffffffff), randomBytes(100)]],
      ['a zero length prefix', [lengthPrefix(0)]],
      ['a non-handshake first frame', [encodeFrame(FrameKind.MESSAGE, pack(heartbeat(2, 1, 1)))]],
      ['an undecodable handshake', [encodeFrame(FrameKind.HELLO, Buffer.from([0xc1, 0xc1, 0xc1]))]],
      ['a handshake of another protocol', [encodeFrame(FrameKind.HELLO, pack({ magic: 'http', version: 1 }))]],
      ['a handshake of a future version', [encodeFrame(FrameKind.HELLO, pack({ magic: PROTOCOL_MAGIC, version: 99 }))]],
      ['an undecodable message', [hello(1), encodeFrame(FrameKind.MESSAGE, randomBytes(64))]],
      ['a message of unknown type', [hello(1), encodeFrame(FrameKind.MESSAGE, pack({ type: 'MsgNope', from: 2, to: 1, term: 1 }))]],
      ['a message missing fields', [hello(1), encodeFrame(FrameKind.MESSAGE, pack({ type: 'MsgApp', from: 2, to: 1, term: 1 }))]],
      [
        'entries with non-byte data',
        [hello(1), encodeFrame(FrameKind.MESSAGE, pack({ ...app(2, 1, 1), entries: [{ term: 1, index: 1, type: 'normal', data: 'text' }] }))],
      ],
      ['deeply nested msgpack', [hello(1), encodeFrame(FrameKind.MESSAGE, Buffer.alloc(100_000, 0x91))]],
      ['an unknown frame kind', [hello(1), Buffer.from([0, 0, 0, 1, 200])]],
      ['a frame over maxFrameBytes', [hello(1), lengthPrefix(64 * 1024 * 1024)]],
      ['a snapshot frame on a message stream', [hello(1), encodeFrame(FrameKind.SNAP_CHUNK, randomBytes(10))]],
      ['a snapshot chunk without header', [hello(1, 2, 'snapshot'), encodeFrame(FrameKind.SNAP_CHUNK, randomBytes(10))]],
      ['a snapshot header with a MsgApp', [hello(1, 2, 'snapshot'), encodeFrame(FrameKind.SNAP_HEADER, pack({ msg: app(2, 1, 1), sizeBytes: 1 }))]],
      ['a snapshot over the announced size', [hello(1, 2, 'snapshot'), snapHeader(4), encodeFrame(FrameKind.SNAP_CHUNK, randomBytes(5))]],
      ['an unknown channel', [hello(1, 2, 'gossip')]],
    ];
    for (const [name, writes] of cases) {
      const errorsBefore = a.logs.filter((r) => r.level >= ERROR).length;
      await rawExchange(a, ...writes).catch((err: unknown) => {
        throw new Error(`${name}: ${(err as Error).message}`);
      });
      expect(a.logs.filter((r) => r.level >= ERROR).length, name).toBeGreaterThan(errorsBefore);
    }
    expect(a.received).toHaveLength(1);
    // The real peer's stream may have been replaced by a raw socket claiming to be member 2; it
    // redials, and messages flow again.
    await waitFor('b still reaches a', () => {
      b.transport.send([heartbeat(2, 1, 2)]);
      return a.received.some((m) => (m as MsgHeartbeat).commit === 2);
    });
    a.transport.send([heartbeat(1, 2, 3)]);
    await waitFor('a still reaches b', () => b.received.some((m) => (m as MsgHeartbeat).commit === 3));
  });

  const snapHeader = (sizeBytes: number): Buffer =>
    encodeFrame(
      FrameKind.SNAP_HEADER,
      pack({
        msg: { type: 'MsgSnap', from: 2, to: 1, term: 2, snapshot: { data: new Uint8Array(0), metadata: { index: 3, term: 2, confState: { voters: [1, 2], learners: [] } } } },
        sizeBytes,
      }),
    );

  it('refuses a snapshot whose checksum does not match, and does not hand it over', async () => {
    const a = await startMember(1);
    const state = randomBytes(1000);
    const end = (crc: number): Buffer => encodeFrame(FrameKind.SNAP_END, pack({ sizeBytes: state.length, crc32: crc }));
    await rawExchange(a, hello(1, 2, 'snapshot'), snapHeader(state.length), encodeFrame(FrameKind.SNAP_CHUNK, state), end((crc32(state) ^ 1) >>> 0));
    expect(errorsWithCode(a, TransportErrorCode.SNAPSHOT_CORRUPT)).toHaveLength(1);
    expect(a.snapshots).toHaveLength(0);
    // The same bytes with the right checksum are taken.
    await rawExchange(a, hello(1, 2, 'snapshot'), snapHeader(state.length), encodeFrame(FrameKind.SNAP_CHUNK, state), end(crc32(state)));
    expect(a.snapshots).toHaveLength(1);
    expect(sameBytes(a.snapshots[0]?.state, state)).toBe(true);
  });

  it('drops messages whose sender differs from the handshake', async () => {
    const a = await startMember(1);
    const socket = net.connect({ host: '127.0.0.1', port: a.port });
    rawSockets.add(socket);
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(Buffer.concat([hello(1, 2), encodeFrame(FrameKind.MESSAGE, pack(heartbeat(3, 1, 1))), encodeFrame(FrameKind.MESSAGE, pack(heartbeat(2, 1, 2)))]));
    await waitFor('the genuine message arrives', () => a.received.length > 0);
    expect(a.received).toEqual([heartbeat(2, 1, 2)]);
    expect(a.logs.some((r) => r.level === 40 && /claiming to be from member 3/.test(r.msg))).toBe(true);
  });
});

describe('PeerTransport stop', () => {
  const active = (kind: (r: string) => boolean): number => process.getActiveResourcesInfo().filter(kind).length;
  const isTcp = (r: string): boolean => r.startsWith('TCP');
  const isTimer = (r: string): boolean => r === 'Timeout';

  it('leaves no sockets, servers or timers behind', async () => {
    // Record every timer created from here on, to tell ours from the test runner's.
    const created: ReturnType<typeof setTimeout>[] = [];
    const realSetTimeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((...args: Parameters<typeof setTimeout>) => {
      const timer = realSetTimeout(...args);
      created.push(timer);
      return timer;
    }) as typeof setTimeout);
    const tcpBefore = active(isTcp);
    // Long backoff: a redial timer that stop() failed to cancel stays active.
    const a = await startMember(1, { minBackoffMs: 30_000, maxBackoffMs: 30_000 });
    const b = await startMember(2);
    mesh(a, b);
    a.transport.addPeer(3, ['http://127.0.0.1:1']); // never reachable: sits in backoff
    a.transport.send([heartbeat(1, 2, 1), heartbeat(1, 3, 1)]);
    b.transport.send([heartbeat(2, 1, 1)]);
    await waitFor('messages both ways', () => a.received.length === 1 && b.received.length === 1);
    await waitFor('peer 3 in backoff', () => a.unreachable.includes(3));
    a.transport.sendSnapshot(
      { type: 'MsgSnap', from: 1, to: 2, term: 1, snapshot: { data: new Uint8Array(0), metadata: { index: 1, term: 1, confState: { voters: [1, 2], learners: [] } } } },
      randomBytes(4 * 1024 * 1024),
    );
    expect(active(isTcp)).toBeGreaterThan(tcpBefore);
    await Promise.all([a.transport.stop(), b.transport.stop()]);
    running.clear();
    await waitFor('sockets and servers released', () => active(isTcp) <= tcpBefore, 5_000);
    const timersNow = active(isTimer);
    for (const timer of created) clearTimeout(timer);
    expect(timersNow - active(isTimer), 'timers left running by the transport').toBe(0);
    expect(a.transport.stats()['2']?.connected).toBe(false);
    await a.transport.stop(); // idempotent
  });
});
