import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEtcdServices } from '../server/proto.js';
import { startKetch, waitFor, type KetchCluster } from './processes.js';

/** A raw Watch stream to one member, optionally marked require-leader as etcd's clients do. */
function openWatch(address: string, requireLeader: boolean) {
  const svc = loadEtcdServices();
  const client = new svc.Watch(address, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  if (requireLeader) md.set('hasleader', 'true');
  const call = (client as unknown as { Watch(md: grpc.Metadata): grpc.ClientDuplexStream<unknown, unknown> }).Watch(md);
  const state: { error?: grpc.ServiceError; created: boolean } = { created: false };
  call.on('data', (r: { created?: boolean }) => {
    if (r.created) state.created = true;
  });
  call.on('error', (e: grpc.ServiceError) => {
    state.error = e;
  });
  call.write({ create_request: { key: Buffer.from('k') } });
  return { state, close: () => (call.cancel(), client.close()) };
}

describe('require-leader watch streams (etcd clients send hasleader=true)', () => {
  let k: KetchCluster;
  beforeAll(async () => {
    k = await startKetch('watch-leader', 3);
  });
  afterAll(async () => {
    await k?.close();
  });

  it('end with "etcdserver: no leader" when the member loses its leader; plain streams stay open', async () => {
    const [m1, m2, m3] = k.cluster.members;
    const address = `127.0.0.1:${m1!.clientPort}`;
    const strict = openWatch(address, true);
    const plain = openWatch(address, false);
    await waitFor('both watches created', () => (strict.state.created && plain.state.created ? true : undefined));
    await k.cluster.kill(m2!);
    await k.cluster.kill(m3!);
    const err = await waitFor('the require-leader stream ends', () => strict.state.error, 20_000);
    expect(err.code).toBe(grpc.status.UNAVAILABLE);
    expect(err.details).toBe('etcdserver: no leader');
    expect(plain.state.error).toBeUndefined();
    // A new require-leader stream on a member without a leader is refused at once.
    const late = openWatch(address, true);
    const lateErr = await waitFor('the new stream is refused', () => late.state.error);
    expect(lateErr.details).toBe('etcdserver: no leader');
    strict.close();
    plain.close();
    late.close();
  });
});
