import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Prng, type Message, type MessageType } from '../../raft/index.js';
import { decodeHello, decodeMessage, decodeSnapAck, decodeSnapEnd, decodeSnapHeader, pack } from './transport_codec.js';
import { TransportError, TransportErrorCode } from './transport_errors.js';
import { FrameDecoder, FrameKind, crc32, crc32Portable, encodeFrame, frameHeader } from './transport_frame.js';
import { backoffDelayMs } from './transport_stream.js';
import { parsePeerUrl } from './transport_url.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const entry = { term: 2, index: 7, type: 'normal' as const, data: bytes(0, 255, 10, 13) };
const env = { from: 2, to: 1, term: 3 };

/** One message of every type, so a new type that the codec does not check fails to compile here. */
const samples: { [T in MessageType]: Message & { type: T } } = {
  MsgApp: { ...env, type: 'MsgApp', index: 6, logTerm: 2, commit: 5, entries: [entry, { ...entry, index: 8, type: 'confChange', data: bytes() }] },
  MsgAppResp: { ...env, type: 'MsgAppResp', index: 8, reject: true, rejectHint: 4, logTerm: 1 },
  MsgVote: { ...env, type: 'MsgVote', index: 8, logTerm: 2, transfer: false },
  MsgPreVote: { ...env, type: 'MsgPreVote', index: 8, logTerm: 2, transfer: true },
  MsgVoteResp: { ...env, type: 'MsgVoteResp', reject: false },
  MsgPreVoteResp: { ...env, type: 'MsgPreVoteResp', reject: true },
  MsgHeartbeat: { ...env, type: 'MsgHeartbeat', commit: 5, context: bytes(1) },
  MsgHeartbeatResp: { ...env, type: 'MsgHeartbeatResp' },
  MsgSnap: {
    ...env,
    type: 'MsgSnap',
    snapshot: { data: bytes(4, 5), metadata: { index: 9, term: 3, confState: { voters: [1, 2, 3], learners: [4] } } },
  },
  MsgTimeoutNow: { ...env, type: 'MsgTimeoutNow' },
  MsgProp: { ...env, term: 0, type: 'MsgProp', entries: [entry] },
  MsgReadIndex: { ...env, type: 'MsgReadIndex', context: bytes(9, 9) },
  MsgReadIndexResp: { ...env, type: 'MsgReadIndexResp', index: 12, context: bytes(9, 9) },
  MsgTransferLeader: { ...env, type: 'MsgTransferLeader', transferee: 3 },
};

/** Byte arrays as plain arrays, so equality also checks they decoded as byte arrays. */
function normalize(v: unknown): unknown {
  if (v instanceof Uint8Array) return { bytes: Array.from(v) };
  if (Array.isArray(v)) return v.map(normalize);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  return v;
}

function expectTransportError(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof TransportError)) throw new Error(`expected a TransportError, got ${String(err)}`, { cause: err });
  }
}

describe('message codec', () => {
  it.each(Object.values(samples))('roundtrips $type with byte arrays intact', (msg) => {
    const frame = encodeFrame(FrameKind.MESSAGE, pack(msg));
    const [decoded] = new FrameDecoder(1024).push(frame);
    expect(decoded?.kind).toBe(FrameKind.MESSAGE);
    const got = decodeMessage(decoded?.payload ?? Buffer.alloc(0));
    expect(normalize(got)).toEqual(normalize(msg));
  });

  it('gives byte arrays memory of their own, not views of the receive buffer', () => {
    const payload = pack(samples.MsgApp);
    const got = decodeMessage(payload) as typeof samples.MsgApp;
    payload.fill(0);
    expect(Array.from(got.entries[0]?.data ?? [])).toEqual([0, 255, 10, 13]);
    expect(got.entries[0]?.data).toBeInstanceOf(Uint8Array);
  });

  it('refuses values that are not messages with MALFORMED_FRAME', () => {
    const bad: unknown[] = [
      null,
      42,
      [samples.MsgApp],
      { ...samples.MsgApp, type: 'MsgBogus' },
      { ...samples.MsgApp, from: -1 },
      { ...samples.MsgApp, term: 1.5 },
      { ...samples.MsgApp, entries: 'x' },
      { ...samples.MsgApp, entries: [{ ...entry, data: [1, 2] }] },
      { ...samples.MsgApp, entries: [{ ...entry, type: 'other' }] },
      { ...samples.MsgHeartbeat, context: 'x' },
      { ...samples.MsgVote, transfer: 1 },
      { ...samples.MsgSnap, snapshot: { data: bytes(), metadata: { index: 1, term: 1 } } },
      { ...samples.MsgReadIndex, context: undefined },
      { type: '__proto__', from: 1, to: 1, term: 1 },
    ];
    for (const value of bad) {
      expect(() => decodeMessage(pack(value)), JSON.stringify(value)).toThrow(
        expect.objectContaining({ code: TransportErrorCode.MALFORMED_FRAME }),
      );
    }
  });

  it('checks the other payloads', () => {
    expect(() => decodeHello(pack({ magic: 'x' }))).toThrow(expect.objectContaining({ code: TransportErrorCode.PROTOCOL_MISMATCH }));
    expect(() => decodeSnapHeader(pack({ msg: samples.MsgApp, sizeBytes: 1 }))).toThrow(
      expect.objectContaining({ code: TransportErrorCode.MALFORMED_FRAME }),
    );
    expect(decodeSnapHeader(pack({ msg: samples.MsgSnap, sizeBytes: 10 })).sizeBytes).toBe(10);
    expect(decodeSnapEnd(pack({ sizeBytes: 1, crc32: 5 }))).toEqual({ sizeBytes: 1, crc32: 5 });
    expect(() => decodeSnapEnd(pack({ sizeBytes: 1 }))).toThrow(TransportError);
    expect(decodeSnapAck(pack({ ok: false, error: 'no' }))).toEqual({ ok: false, error: 'no' });
    expect(() => decodeSnapAck(pack({ ok: 'yes' }))).toThrow(TransportError);
  });

  it('fuzz: random and corrupted payloads either decode to a checked message or throw a TransportError', () => {
    const rng = new Prng(20240611);
    const valid = Object.values(samples).map((m) => pack(m));
    for (let i = 0; i < 5000; i++) {
      let input: Buffer;
      if (rng.chance(0.5)) {
        input = Buffer.from(Array.from({ length: rng.int(64) }, () => rng.int(256)));
      } else {
        input = Buffer.from(rng.pick(valid));
        for (let flips = 1 + rng.int(4); flips > 0; flips--) input[rng.int(input.length)] = rng.int(256);
      }
      expectTransportError(() => decodeMessage(input));
      expectTransportError(() => decodeHello(input));
      expectTransportError(() => decodeSnapHeader(input));
    }
  });
});

describe('FrameDecoder', () => {
  it('reassembles frames split at every byte and several frames per chunk', () => {
    const frames = [encodeFrame(FrameKind.MESSAGE, randomBytes(300)), encodeFrame(FrameKind.SNAP_CHUNK, Buffer.alloc(0)), encodeFrame(FrameKind.ERROR, randomBytes(5))];
    const stream = Buffer.concat(frames);
    for (const step of [1, 2, 7, 301, stream.length]) {
      const decoder = new FrameDecoder(1024);
      const out = [];
      for (let i = 0; i < stream.length; i += step) out.push(...decoder.push(stream.subarray(i, i + step)));
      expect(out.map((f) => f.kind)).toEqual([FrameKind.MESSAGE, FrameKind.SNAP_CHUNK, FrameKind.ERROR]);
      expect(Buffer.concat(out.map((f) => encodeFrame(f.kind as FrameKind, f.payload)))).toEqual(stream);
      expect(decoder.pendingBytes).toBe(0);
    }
  });

  it('refuses a frame over the limit as soon as its length prefix arrives', () => {
    const decoder = new FrameDecoder(100);
    expect(() => decoder.push(frameHeader(FrameKind.MESSAGE, 100))).toThrow(expect.objectContaining({ code: TransportErrorCode.FRAME_TOO_LARGE }));
    expect(new FrameDecoder(100).push(frameHeader(FrameKind.MESSAGE, 99))).toEqual([]);
  });

  it('refuses a zero length prefix', () => {
    expect(() => new FrameDecoder(100).push(Buffer.alloc(4))).toThrow(expect.objectContaining({ code: TransportErrorCode.MALFORMED_FRAME }));
  });

  it('fuzz: random byte streams only ever yield frames or TransportErrors', () => {
    const rng = new Prng(7);
    for (let i = 0; i < 2000; i++) {
      const decoder = new FrameDecoder(1 + rng.int(4096));
      expectTransportError(() => {
        for (let c = 0; c < 5; c++) decoder.push(Buffer.from(Array.from({ length: rng.int(200) }, () => rng.int(256))));
      });
    }
  });
});

describe('crc32', () => {
  it('matches the standard check value and the portable implementation, incrementally', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32Portable(Buffer.from('123456789'))).toBe(0xcbf43926);
    const data = randomBytes(100_000);
    const whole = crc32Portable(data);
    expect(crc32(data)).toBe(whole);
    expect(crc32(data.subarray(40_000), crc32(data.subarray(0, 40_000)))).toBe(whole);
    expect(crc32Portable(data.subarray(40_000), crc32Portable(data.subarray(0, 40_000)))).toBe(whole);
  });
});

describe('peer URLs and backoff', () => {
  it('parses http://host:port, IPv6 included, and refuses the rest', () => {
    expect(parsePeerUrl('http://127.0.0.1:2380')).toEqual({ url: 'http://127.0.0.1:2380', host: '127.0.0.1', port: 2380 });
    expect(parsePeerUrl('http://[::1]:0/')).toMatchObject({ host: '::1', port: 0 });
    expect(parsePeerUrl('http://node-1.example:80')).toMatchObject({ host: 'node-1.example', port: 80 });
    for (const url of ['https://a:1', 'unix://a:1', 'http://a', 'http://a:1/path', 'http://a:99999', 'a:1', 'http://u@a:1', '']) {
      expect(() => parsePeerUrl(url), url).toThrow(expect.objectContaining({ code: TransportErrorCode.INVALID_URL }));
    }
  });

  it('backs off exponentially with jitter, capped', () => {
    const delays = (random: number) => [1, 2, 3, 4, 5, 10, 100].map((n) => backoffDelayMs(n, 50, 1000, () => random));
    expect(delays(0)).toEqual([25, 50, 100, 200, 400, 500, 500]);
    expect(delays(0.999).every((d, i) => d < [50, 100, 200, 400, 800, 1000, 1000][i]!)).toBe(true);
  });
});
