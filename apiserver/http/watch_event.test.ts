import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { EncodedEvent, sendEvent, textFrame } from './watch_event.js';

describe('textFrame', () => {
  it('uses the 7-bit, 16-bit and 64-bit length forms at their boundaries', () => {
    const header = (n: number): number[] => [...textFrame(Buffer.alloc(n, 0x61)).subarray(0, 10)];
    expect(header(125).slice(0, 2)).toEqual([0x81, 125]);
    expect(header(126).slice(0, 4)).toEqual([0x81, 126, 0, 126]);
    expect(header(65_535).slice(0, 4)).toEqual([0x81, 126, 0xff, 0xff]);
    expect(header(65_536)).toEqual([0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(textFrame(Buffer.from('hi')).length).toBe(4);
  });
});

describe('sendEvent', () => {
  let wss: WebSocketServer | undefined;
  afterEach(async () => {
    for (const c of wss?.clients ?? []) c.terminate();
    await new Promise<void>((resolve) => (wss === undefined ? resolve() : wss.close(() => resolve())));
    wss = undefined;
  });

  /** A server that sends `events` on each connection, and a client that reads them all. */
  async function roundTrip(events: EncodedEvent[], perMessageDeflate: boolean): Promise<{ messages: string[]; extensions: string }> {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate });
    wss = server;
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    let extensions = '';
    server.on('connection', (ws) => {
      extensions = ws.extensions;
      for (const e of events) sendEvent(ws, e);
      // ws's own frames (a ping, then the close) must come after the pre-built ones.
      ws.ping();
      ws.close(1000);
    });
    const port = (server.address() as AddressInfo).port;
    const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate });
    const messages: string[] = [];
    client.on('message', (data, isBinary) => {
      expect(isBinary).toBe(false);
      messages.push(data.toString());
    });
    const code = await new Promise<number>((resolve, reject) => {
      client.once('close', (c) => resolve(c));
      client.once('error', reject);
    });
    expect(code).toBe(1000);
    return { messages, extensions };
  }

  const events = (): EncodedEvent[] =>
    [5, 125, 126, 3_000, 65_535, 65_536, 200_000].map((n, i) => new EncodedEvent(JSON.stringify({ type: 'MODIFIED', object: { i, pad: 'ü'.repeat(n / 2) } })));

  it('delivers every event whole and in order through the pre-built frames', async () => {
    const sent = events();
    const { messages, extensions } = await roundTrip(sent, false);
    expect(extensions).toBe('');
    expect(messages).toEqual(sent.map((e) => e.json));
  });

  it('falls back to ws.send when an extension (permessage-deflate) was negotiated', async () => {
    const sent = events();
    const { messages, extensions } = await roundTrip(sent, true);
    expect(extensions).toContain('permessage-deflate');
    expect(messages).toEqual(sent.map((e) => e.json));
  });

  it('builds each form once and shares it', () => {
    const e = new EncodedEvent('{"type":"ADDED"}');
    expect(e.wsFrame).toBe(e.wsFrame);
    expect(e.line.toString()).toBe('{"type":"ADDED"}\n');
    expect(e.payload).toBe(e.payload);
  });
});
