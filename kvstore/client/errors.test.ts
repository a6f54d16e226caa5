import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { classifyAttempt, ClientErrorCode, KetchClientError } from './errors.js';

function grpcError(code: status, details: string): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: new Metadata() });
}

const EP = '127.0.0.1:2379';

describe('classifyAttempt', () => {
  it('keeps etcd errors by message, with their code, status and exact text', () => {
    const f = classifyAttempt(grpcError(status.OUT_OF_RANGE, 'etcdserver: mvcc: required revision has been compacted'), EP, false);
    expect(f.error.code).toBe(ClientErrorCode.COMPACTED);
    expect(f.error.message).toBe('etcdserver: mvcc: required revision has been compacted');
    expect(f.error.etcdMessage).toBe('etcdserver: mvcc: required revision has been compacted');
    expect(f.error.grpcCode).toBe(status.OUT_OF_RANGE);
    expect(f.transient).toBe(false);
  });

  it('makes a write that timed out on the server an UNKNOWN_OUTCOME that keeps etcd message and reason', () => {
    const f = classifyAttempt(grpcError(status.UNAVAILABLE, 'etcdserver: request timed out'), EP, true);
    expect(f.error.code).toBe(ClientErrorCode.UNKNOWN_OUTCOME);
    expect(f.error.definite).toBe(false);
    expect(f.error.reason).toBe('TIMEOUT');
    expect(f.error.message).toBe('etcdserver: request timed out');
    expect(f.notApplied).toBe(false);
  });

  it('lets a read that timed out on the server be tried elsewhere', () => {
    const f = classifyAttempt(grpcError(status.UNAVAILABLE, 'etcdserver: request timed out'), EP, false);
    expect(f.error.code).toBe(ClientErrorCode.TIMEOUT);
    expect(f.transient).toBe(true);
  });

  it('treats "no leader" as definite and retryable elsewhere, even for writes', () => {
    const f = classifyAttempt(grpcError(status.UNAVAILABLE, 'etcdserver: no leader'), EP, true);
    expect(f.error.code).toBe(ClientErrorCode.NO_LEADER);
    expect(f.notApplied).toBe(true);
    expect(f.transient).toBe(true);
  });

  it('treats a call that never got a connection as not sent, for writes too', () => {
    for (const e of [
      grpcError(status.UNAVAILABLE, 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1'),
      grpcError(status.DEADLINE_EXCEEDED, 'Deadline exceeded after 1.002s,Waiting for LB pick'),
      grpcError(status.UNAVAILABLE, 'Stream refused by server'),
    ]) {
      const f = classifyAttempt(e, EP, true);
      expect(f.error.code).toBe(ClientErrorCode.UNAVAILABLE);
      expect(f.notApplied).toBe(true);
      expect(f.transient).toBe(true);
    }
  });

  it('makes a write whose connection dropped or whose deadline passed after sending an UNKNOWN_OUTCOME', () => {
    const dropped = classifyAttempt(grpcError(status.UNAVAILABLE, 'Connection dropped'), EP, true);
    expect(dropped.error.code).toBe(ClientErrorCode.UNKNOWN_OUTCOME);
    expect(dropped.error.reason).toBe('CONNECTION_LOST');
    expect(dropped.endpointDown).toBe(true);
    const late = classifyAttempt(grpcError(status.DEADLINE_EXCEEDED, 'Deadline exceeded after 0.5s,LB pick: 0s,remote_addr=127.0.0.1:2379'), EP, true);
    expect(late.error.code).toBe(ClientErrorCode.UNKNOWN_OUTCOME);
    expect(late.error.reason).toBe('DEADLINE_EXCEEDED');
  });

  it('makes the same failures of a read transient and definite', () => {
    const f = classifyAttempt(grpcError(status.UNAVAILABLE, 'Connection dropped'), EP, false);
    expect(f.error.code).toBe(ClientErrorCode.UNAVAILABLE);
    expect(f.error.definite).toBe(true);
    expect(f.transient).toBe(true);
  });

  it('makes a refusal with an unknown message FAILED (definite)', () => {
    const f = classifyAttempt(grpcError(status.INVALID_ARGUMENT, 'something new'), EP, true);
    expect(f.error.code).toBe(ClientErrorCode.FAILED);
    expect(f.error.grpcDetails).toBe('something new');
    expect(f.notApplied).toBe(true);
  });

  it('passes KetchClientErrors through', () => {
    const e = new KetchClientError('CLOSED', 'client is closed');
    expect(classifyAttempt(e, EP, true).error).toBe(e);
  });
});
