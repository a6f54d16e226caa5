import net from 'node:net';
import { decodeHello } from '../node/transport_codec.js';
import { FrameDecoder, FrameKind } from '../node/transport_frame.js';
import { pipeWithDelay } from './link_delay.js';

/** Decides whether traffic from member `from` to member `to` (raft ids) is currently cut. */
export type LinkPolicy = (from: number, to: number) => boolean;

/**
 * A fault-injecting TCP proxy in front of one member's peer port, for partitions without root.
 * Members advertise the proxy's address to each other, so every peer connection to this member
 * passes through it. The first frame of a connection is the peer handshake, which names the
 * sender; a connection whose link is cut is refused, and cutting a link later destroys its live
 * connections. Because a member sends on its own outbound connections, cutting from→to leaves
 * to→from intact: partitions can be asymmetric. `delayMs` (asked per chunk, both directions) holds
 * traffic back, for a delay nemesis without root.
 */
export class PeerProxy {
  private readonly server: net.Server;
  private readonly live = new Set<{ from: number; client: net.Socket; upstream: net.Socket }>();

  constructor(
    /** The raft id of the member behind the proxy (asked each time: it changes when the member is re-added). */
    private readonly memberId: () => number,
    private readonly upstreamPort: number,
    private readonly isCut: LinkPolicy,
    private readonly host = '127.0.0.1',
    private readonly delayMs: () => number = () => 0,
  ) {
    this.server = net.createServer((client) => this.accept(client));
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        const addr = this.server.address();
        resolve(typeof addr === 'object' && addr !== null ? addr.port : port);
      });
    });
  }

  /** Re-applies the policy to live connections (call after the partition changed). */
  enforce(): void {
    for (const c of [...this.live]) {
      if (this.isCut(c.from, this.memberId())) {
        c.client.destroy();
        c.upstream.destroy();
        this.live.delete(c);
      }
    }
  }

  close(): Promise<void> {
    for (const c of this.live) {
      c.client.destroy();
      c.upstream.destroy();
    }
    this.live.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const decoder = new FrameDecoder(64 * 1024);
    const head: Buffer[] = [];
    client.on('error', () => client.destroy());
    const onData = (chunk: Buffer): void => {
      head.push(chunk);
      let from: number | undefined;
      try {
        for (const frame of decoder.push(chunk)) {
          if (frame.kind !== FrameKind.HELLO) throw new Error('first frame is not a handshake');
          from = decodeHello(frame.payload).from;
          break;
        }
      } catch {
        client.destroy();
        return;
      }
      if (from === undefined) return;
      client.off('data', onData);
      client.pause();
      if (this.isCut(from, this.memberId())) {
        client.destroy();
        return;
      }
      this.connect(from, client, Buffer.concat(head));
    };
    client.on('data', onData);
  }

  private connect(from: number, client: net.Socket, head: Buffer): void {
    const upstream = net.connect(this.upstreamPort, this.host);
    const entry = { from, client, upstream };
    this.live.add(entry);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      this.live.delete(entry);
    };
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    upstream.on('connect', () => {
      upstream.write(head);
      pipeWithDelay(client, upstream, this.delayMs);
      pipeWithDelay(upstream, client, this.delayMs);
      client.resume();
    });
  }
}
