/**
 * The dialer's side of the handshake, shared by stream and snapshot connections: connect, send
 * HELLO, and wait for HELLO_OK or an ERROR frame, all within one deadline.
 */
import * as net from 'node:net';
import type { NodeId } from '../../raft/index.js';
import { type Channel, type Hello, type MembersReply, PROTOCOL_MAGIC, PROTOCOL_VERSION, decodeError, decodeHelloOk, decodeMembersReply, pack } from './transport_codec.js';
import { asTransportError, isTransportErrorCode, TransportError, TransportErrorCode } from './transport_errors.js';
import { type Frame, FrameDecoder, FrameKind, encodeFrame } from './transport_frame.js';
import { type PeerAddress, joinHostPort } from './transport_url.js';

export interface DialRequest {
  readonly address: PeerAddress;
  readonly clusterId: number;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly channel: Channel;
  readonly peerUrls?: readonly string[];
  /** Deadline for connecting and the handshake together. */
  readonly timeoutMs: number;
  readonly maxFrameBytes: number;
  /** Aborting destroys the socket and rejects with STOPPED. */
  readonly signal: AbortSignal;
}

export interface DialedConnection {
  /** Connected and accepted by the listener. The caller owns it: it must attach 'data', 'error'
   * and 'close' listeners before yielding to the event loop. */
  readonly socket: net.Socket;
  /** Continues decoding the socket's bytes. */
  readonly decoder: FrameDecoder;
  /** Frames that arrived in the same read as HELLO_OK (none, in this protocol version). */
  readonly frames: readonly Frame[];
}

export function dialPeer(req: DialRequest): Promise<DialedConnection> {
  return new Promise((resolve, reject) => {
    const target = joinHostPort(req.address.host, req.address.port);
    if (req.signal.aborted) {
      reject(new TransportError(TransportErrorCode.STOPPED, `dial ${target}: transport stopped`));
      return;
    }
    const socket = net.connect({ host: req.address.host, port: req.address.port });
    const decoder = new FrameDecoder(req.maxFrameBytes);
    let settled = false;

    const cleanup = (): void => {
      settled = true;
      clearTimeout(timer);
      req.signal.removeEventListener('abort', onAbort);
      socket.off('connect', onConnect);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    const fail = (err: TransportError): void => {
      if (settled) return;
      cleanup();
      socket.on('error', () => {}); // a late error on a socket we are discarding must not crash
      socket.destroy();
      reject(err);
    };
    const onAbort = (): void => fail(new TransportError(TransportErrorCode.STOPPED, `dial ${target}: transport stopped`));
    const onError = (err: Error): void => fail(asTransportError(err, `dial ${target}`));
    const onClose = (): void =>
      fail(new TransportError(TransportErrorCode.CONNECTION_CLOSED, `dial ${target}: connection closed during the handshake`));
    const onConnect = (): void => {
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 30_000);
      const hello: Hello = {
        magic: PROTOCOL_MAGIC,
        version: PROTOCOL_VERSION,
        clusterId: req.clusterId,
        from: req.from,
        to: req.to,
        channel: req.channel,
        ...(req.peerUrls !== undefined && req.peerUrls.length > 0 ? { peerUrls: req.peerUrls } : {}),
      };
      socket.write(encodeFrame(FrameKind.HELLO, pack(hello)));
    };
    const onData = (chunk: Buffer): void => {
      try {
        const frames = decoder.push(chunk);
        const [first, ...rest] = frames;
        if (first === undefined) return;
        if (first.kind === FrameKind.ERROR) {
          const body = decodeError(first.payload);
          const code = isTransportErrorCode(body.code) ? body.code : TransportErrorCode.PROTOCOL_MISMATCH;
          fail(new TransportError(code, `member at ${target} refused the connection: ${body.message}`));
          return;
        }
        if (first.kind !== FrameKind.HELLO_OK) {
          throw new TransportError(TransportErrorCode.PROTOCOL_MISMATCH, `expected a handshake reply from ${target}, got frame kind ${first.kind}`);
        }
        const ok = decodeHelloOk(first.payload);
        if (ok.memberId !== req.to) {
          throw new TransportError(TransportErrorCode.MEMBER_ID_MISMATCH, `${target} is member ${ok.memberId}, not ${req.to}`);
        }
        if (settled) return;
        cleanup();
        resolve({ socket, decoder, frames: rest });
      } catch (err) {
        fail(asTransportError(err, `handshake with ${target}`));
      }
    };
    const timer = setTimeout(
      () => fail(new TransportError(TransportErrorCode.TIMEOUT, `dial ${target}: no handshake within ${req.timeoutMs}ms`)),
      req.timeoutMs,
    );
    req.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('connect', onConnect);
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
  });
}

/**
 * Asks the member at `address` for the cluster's membership on a `members` connection: connect,
 * HELLO, one MEMBERS (or ERROR) frame back, within `timeoutMs`.
 */
export function queryMembers(address: PeerAddress, timeoutMs: number, maxFrameBytes: number): Promise<MembersReply> {
  return new Promise((resolve, reject) => {
    const target = joinHostPort(address.host, address.port);
    const socket = net.connect({ host: address.host, port: address.port });
    const decoder = new FrameDecoder(maxFrameBytes);
    let settled = false;
    const finish = (err: TransportError | undefined, reply?: MembersReply): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.on('error', () => {});
      socket.destroy();
      if (err !== undefined) reject(err);
      else resolve(reply as MembersReply);
    };
    const timer = setTimeout(() => finish(new TransportError(TransportErrorCode.TIMEOUT, `ask ${target} for members: no answer within ${timeoutMs}ms`)), timeoutMs);
    socket.on('connect', () => {
      const hello: Hello = { magic: PROTOCOL_MAGIC, version: PROTOCOL_VERSION, clusterId: 0, from: 0, to: 0, channel: 'members' };
      socket.write(encodeFrame(FrameKind.HELLO, pack(hello)));
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        const [first] = decoder.push(chunk);
        if (first === undefined) return;
        if (first.kind === FrameKind.ERROR) {
          const body = decodeError(first.payload);
          finish(new TransportError(isTransportErrorCode(body.code) ? body.code : TransportErrorCode.PROTOCOL_MISMATCH, `member at ${target} refused: ${body.message}`));
          return;
        }
        if (first.kind !== FrameKind.MEMBERS) throw new TransportError(TransportErrorCode.PROTOCOL_MISMATCH, `expected a member list from ${target}, got frame kind ${first.kind}`);
        finish(undefined, decodeMembersReply(first.payload));
      } catch (err) {
        finish(asTransportError(err, `ask ${target} for members`));
      }
    });
    socket.on('error', (err) => finish(asTransportError(err, `ask ${target} for members`)));
    socket.on('close', () => finish(new TransportError(TransportErrorCode.CONNECTION_CLOSED, `ask ${target} for members: connection closed before the answer`)));
  });
}
