/**
 * A small HTTP/1.1 client of the API server over keep-alive connections (node:http, one Agent), as
 * client-go talks to kube-apiserver: JSON bodies, Status objects for errors. Non-2xx answers reject
 * with an ApiError carrying the HTTP code and the Status reason, so errors can be tallied by kind.
 */
import http from 'node:http';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiReply {
  readonly status: number;
  readonly body: Buffer;
}

export interface ApiClientOptions {
  readonly host: string;
  readonly port: number;
  /** Connections kept open at most; requests beyond that wait for a free one. */
  readonly maxSockets: number;
  readonly requestTimeoutMs: number;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export const MERGE_PATCH = 'application/merge-patch+json';

function apiError(status: number, body: Buffer): ApiError {
  let reason = http.STATUS_CODES[status] ?? 'Unknown';
  let message = body.toString('utf8', 0, Math.min(body.length, 300));
  try {
    const s = JSON.parse(body.toString('utf8')) as { reason?: unknown; message?: unknown };
    if (typeof s.reason === 'string' && s.reason !== '') reason = s.reason;
    if (typeof s.message === 'string') message = s.message;
  } catch {
    // not a Status object
  }
  return new ApiError(status, reason, `${status} ${reason}: ${message}`);
}

export class ApiClient {
  private readonly agent: http.Agent;

  constructor(private readonly opts: ApiClientOptions) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets, maxFreeSockets: opts.maxSockets });
  }

  get baseUrl(): string {
    return `http://${this.opts.host}:${this.opts.port}`;
  }

  /** Sends one request; resolves with the whole body on 2xx, rejects with ApiError otherwise. */
  request(method: Method, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiReply> {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return new Promise<ApiReply>((resolve, reject) => {
      const req = http.request(
        {
          host: this.opts.host,
          port: this.opts.port,
          method,
          path,
          agent: this.agent,
          headers: {
            accept: 'application/json',
            ...(payload !== undefined ? { 'content-type': contentType, 'content-length': payload.length } : {}),
          },
          timeout: this.opts.requestTimeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
            if (status >= 200 && status < 300) resolve({ status, body: all });
            else reject(apiError(status, all));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timed out after ${this.opts.requestTimeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  async json<T>(method: Method, path: string, body?: unknown, contentType?: string): Promise<T> {
    const r = await this.request(method, path, body, contentType);
    return JSON.parse(r.body.toString('utf8')) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** "409 Conflict" for an ApiError (its kind), the message otherwise. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return `${err.code} ${err.reason}`;
  if (err instanceof Error) return (err as NodeJS.ErrnoException).code ?? err.message;
  return String(err);
}
