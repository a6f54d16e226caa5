import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pairOperations, parseHistory } from '../history/index.js';
import { HistoryRecorder } from './recorder.js';

describe('HistoryRecorder.op', () => {
  it('records an operation whose run throws as info, so the history stays well formed', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ketch-recorder-'));
    try {
      const file = path.join(dir, 'h.jsonl');
      const h = new HistoryRecorder(file);
      await expect(h.op(1, 'final-read', undefined, null, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      await h.op(1, 'final-read', undefined, null, async () => ({ type: 'ok', value: 3 }));
      await h.close();
      const ops = pairOperations(parseHistory(await readFile(file, 'utf8'), file), file);
      expect(ops.map((o) => o.outcome)).toEqual(['info', 'ok']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
