import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SNAPSHOT_MAGIC, snapshotFile } from './maintenance_service.js';

describe('the snapshot stream (etcdctl snapshot save)', () => {
  it('is whole 512-byte pages followed by their SHA-256, as etcdctl 3.4 checks', () => {
    for (const size of [0, 1, 495, 496, 497, 10_000]) {
      const image = Buffer.alloc(size, 7);
      const file = snapshotFile(image);
      expect(file.length % 512, `image of ${size} bytes`).toBe(32);
      const body = file.subarray(0, file.length - 32);
      expect(createHash('sha256').update(body).digest().equals(file.subarray(file.length - 32))).toBe(true);
      expect(body.subarray(0, 8).equals(SNAPSHOT_MAGIC)).toBe(true);
      expect(Number(body.readBigUInt64BE(8))).toBe(size);
      expect(body.subarray(16, 16 + size).equals(image)).toBe(true);
    }
  });
});
