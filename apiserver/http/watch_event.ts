import type { WebSocket } from 'ws';

/**
 * One serialized watch event, in the forms its sinks write: a JSON line for chunked HTTP, and a
 * WebSocket text frame. An event fanned out to many watchers is serialized once and each form is
 * built once, on first use, then shared by every watcher (kube-apiserver's cachingObject does the
 * same per encoding). Without this, a fan-out to N watchers encodes N strings to UTF-8 and ws
 * frames each copy again.
 */
export class EncodedEvent {
  private payloadBytes: Buffer | undefined;
  private lineBytes: Buffer | undefined;
  private frameBytes: Buffer | undefined;

  /** `json`: the event as one JSON document, without a trailing newline. */
  constructor(readonly json: string) {}

  /** The JSON document as UTF-8 (one WebSocket message). */
  get payload(): Buffer {
    this.payloadBytes ??= Buffer.from(this.json, 'utf8');
    return this.payloadBytes;
  }

  /** The JSON document and a newline (one line of a chunked HTTP watch). */
  get line(): Buffer {
    this.lineBytes ??= Buffer.from(`${this.json}\n`, 'utf8');
    return this.lineBytes;
  }

  /** The payload as a complete, unmasked WebSocket text frame (RFC 6455 §5.2), as a server sends it. */
  get wsFrame(): Buffer {
    this.frameBytes ??= textFrame(this.payload);
    return this.frameBytes;
  }
}

/** FIN + opcode 1 (text), then the 7-bit, 16-bit or 64-bit payload length, no mask. */
export function textFrame(payload: Buffer): Buffer {
  const n = payload.length;
  const headerLength = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + n);
  frame[0] = 0x81;
  if (n < 126) {
    frame[1] = n;
  } else if (n < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(n), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}

/** The parts of a ws connection the pre-framed path needs; ws keeps them as internals. */
interface WsInternals {
  readonly _socket?: { readonly destroyed: boolean; write(chunk: Buffer): boolean } | null;
}

/**
 * Sends an event on a WebSocket. With no extension negotiated (this server offers none, so no
 * permessage-deflate), ws's sender writes every frame to the socket at once, in call order, so
 * writing the shared, pre-built frame to the socket ourselves keeps the order of everything on the
 * connection and skips ws's per-message framing and its two-buffer writev. With an extension, or
 * if ws ever stops exposing its socket, the message goes through ws.send.
 */
export function sendEvent(ws: WebSocket, event: EncodedEvent): void {
  const socket = (ws as unknown as WsInternals)._socket;
  if (ws.extensions === '' && socket !== undefined && socket !== null && !socket.destroyed) {
    socket.write(event.wsFrame);
    return;
  }
  ws.send(event.payload, { binary: false });
}
