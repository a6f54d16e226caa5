import { afterEach, describe, expect, it, vi } from 'vitest';
import { runSimCommand } from './sim.js';

/** Runs `ketch sim` in-process with argv, capturing what it writes. */
async function sim(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const code = await runSimCommand(argv);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

describe('ketch sim', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('runs the seeds and ends with the tally line', async () => {
    const r = await sim('--seeds', '2', '--seed-start', '10');
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith('2 passed, 0 failed\n')).toBe(true);
    expect(r.stderr).toMatch(/sim: 2\/2 seeds, [\d.]+ seeds\/s, 0 failed/);
  });

  it('prints the replay command and the trace of a failing seed, and exits 1', async () => {
    const r = await sim('--seeds', '1', '--seed-start', '5', '--unsafe-forget-votes');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('seed 5 FAILED: VoteDurability violated');
    expect(r.stdout).toContain('replay: npm run sim -- --seeds 1 --seed-start 5 --trace --unsafe-forget-votes');
    expect(r.stdout).toMatch(/--- trace of seed 5 .*---\nt=0ms n1 started/);
    expect(r.stdout).toMatch(/n\d → n\d MsgVote term=\d+ index=\d+ logTerm=\d+\n/);
    expect(r.stdout).not.toContain('not deterministic');
    expect(r.stdout.endsWith('0 passed, 1 failed\n')).toBe(true);
  });

  it('refuses bad usage with exit code 2', async () => {
    expect((await sim('--seeds', '0')).code).toBe(2);
    expect((await sim('--seeds', 'many')).code).toBe(2);
    expect((await sim('--no-such-flag')).code).toBe(2);
    const help = await sim('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: ketch sim');
  });
});
