import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** Where the .proto files live: kvstore/server/proto under the package root (found from here). */
export function protoDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'kvstore', 'server', 'proto');
    if (existsSync(path.join(candidate, 'rpc.proto'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find kvstore/server/proto/rpc.proto');
}

/**
 * Loader options shared by server and client. Field names stay as in the proto (snake_case), int64s
 * become numbers (ketch's ids and revisions stay below 2^53), enums their names, bytes Buffers.
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
  includeDirs: [],
};

export interface EtcdServices {
  KV: grpc.ServiceClientConstructor;
  Watch: grpc.ServiceClientConstructor;
  Lease: grpc.ServiceClientConstructor;
  Cluster: grpc.ServiceClientConstructor;
  Maintenance: grpc.ServiceClientConstructor;
}

let cached: EtcdServices | undefined;

/** The etcd v3 services, loaded once per process. */
export function loadEtcdServices(): EtcdServices {
  if (cached !== undefined) return cached;
  const dir = protoDir();
  const def = protoLoader.loadSync(path.join(dir, 'rpc.proto'), { ...LOADER_OPTIONS, includeDirs: [dir] });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { etcdserverpb: EtcdServices };
  cached = pkg.etcdserverpb;
  return cached;
}
