import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { injectStaleRead, simulateHistory, toJsonLines } from '../jepsen-style-tests/checkers/linearizability/testing/simulate.js';
import { runJepsenCommand } from './jepsen.js';
import { parseDurationMs } from './jepsen_check.js';

/** Runs `ketch jepsen ...` in-process, capturing what it prints. */
async function ketchJepsen(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await runJepsenCommand(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

let dir: string;
const file = (name: string): string => path.join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ketch-jepsen-cli-'));
  const ok = simulateHistory({ seed: 3, model: 'register', processes: 10, operations: 400, keys: 3 });
  await writeFile(file('ok.jsonl'), toJsonLines(ok));
  await writeFile(file('stale.jsonl'), toJsonLines(injectStaleRead(ok)!));
  await writeFile(file('kv.jsonl'), toJsonLines(simulateHistory({ seed: 3, model: 'kv', processes: 10, operations: 400, keys: 3 })));
  // Fifty clients on one key, long operations: far too much to search in a few milliseconds.
  await writeFile(file('hard.jsonl'), toJsonLines(simulateHistory({ seed: 1, model: 'register', processes: 50, operations: 3000, keys: 1, infoRate: 0.05 })));
  const lines = [
    '{"process":0,"type":"invoke","f":"write","value":1,"time":0}',
    '{"process":0,"type":"ok","f":"write","value":1,"time":5}',
    '{"process":0,"type":"finished","f":"read","time":9}',
  ];
  await writeFile(file('bad.jsonl'), lines.join('\n'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ketch jepsen check', () => {
  it('exits 0 and prints "linearizable: true" for a linearizable history', async () => {
    const r = await ketchJepsen('check', '--model', 'register', file('ok.jsonl'));
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('linearizable: true');
  });

  it('checks the kv model too', async () => {
    const r = await ketchJepsen('check', '--model', 'kv', file('kv.jsonl'));
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('linearizable: true');
  });

  it('exits 1 and prints "linearizable: false", the culprit and the window', async () => {
    const r = await ketchJepsen('check', '--model', 'register', file('stale.jsonl'));
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('linearizable: false');
    expect(r.stdout).toMatch(/stops being linearizable when this operation completes:\n {2}process \d+: read → \d+ {2}\(lines \d+-\d+\)/);
    expect(r.stdout).toMatch(/smallest failing window found \(\d+ of \d+ operations\):/);
  });

  it('exits 3 and prints "linearizable: unknown" when the timeout runs out', async () => {
    const r = await ketchJepsen('check', '--model', 'register', '--timeout', '20ms', file('hard.jsonl'));
    expect(r.code).toBe(3);
    expect(r.stdout.split('\n')[0]).toBe('linearizable: unknown');
    expect(r.stdout).toMatch(/gave up \(timeout\)/);
  });

  it('exits 2 for a malformed file, naming the file and line', async () => {
    const r = await ketchJepsen('check', '--model', 'register', file('bad.jsonl'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${file('bad.jsonl')}:3: expected "type" to be one of invoke|ok|fail|info\n`);
  });

  it('exits 2 for a value the model cannot read', async () => {
    await writeFile(file('kv-in-register.jsonl'), '{"process":0,"type":"invoke","f":"append","key":"k","value":"x","time":0}\n');
    const r = await ketchJepsen('check', '--model', 'register', file('kv-in-register.jsonl'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/kv-in-register\.jsonl:1: register model: unknown "f" "append"/);
  });

  it('exits 2 for usage errors: no model, an unknown model, no file, a missing file, a bad timeout', async () => {
    for (const argv of [
      ['check', file('ok.jsonl')],
      ['check', '--model', 'set', file('ok.jsonl')],
      ['check', '--model', 'register'],
      ['check', '--model', 'register', file('missing.jsonl')],
      ['check', '--model', 'register', '--timeout', 'soon', file('ok.jsonl')],
      ['check', '--model', 'register', '--frobnicate', file('ok.jsonl')],
      ['nonsense'],
    ]) {
      const r = await ketchJepsen(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).not.toBe('');
    }
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await ketchJepsen('check', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: ketch jepsen check --model register\|kv FILE/);
  });

  it('--html writes a self-contained timeline of the failing window', async () => {
    const out = file('stale.html');
    const r = await ketchJepsen('check', '--model', 'register', '--html', out, file('stale.jsonl'));
    expect(r.code).toBe(1);
    const html = await readFile(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('not linearizable');
    expect(html).toContain('class="op ok win culprit');
    expect(html).not.toMatch(/<script|src="http|href="http/);
  });

  it('--html also writes a summary for a linearizable history', async () => {
    const out = file('ok.html');
    expect((await ketchJepsen('check', '--model', 'register', '--html', out, file('ok.jsonl'))).code).toBe(0);
    expect(await readFile(out, 'utf8')).toContain('<span class="verdict good">linearizable</span>');
  });
});

describe('parseDurationMs', () => {
  it('reads ms, s, m, h and bare seconds', () => {
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('60s')).toBe(60_000);
    expect(parseDurationMs('1.5m')).toBe(90_000);
    expect(parseDurationMs('2h')).toBe(7_200_000);
    expect(parseDurationMs('30')).toBe(30_000);
    expect(parseDurationMs('0')).toBe(0);
    expect(parseDurationMs('soon')).toBeUndefined();
  });
});

describe('ketch jepsen run (argument handling; the runs themselves are in jepsen-style-tests/short_matrix.test.ts)', () => {
  it('prints its flags with --help and exits 0', async () => {
    const r = await ketchJepsen('run', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--nemesis LIST');
  });

  it('exits 2, naming the problem, for a harness error (missing --out, unknown nemesis or workload)', async () => {
    expect(await ketchJepsen('run')).toMatchObject({ code: 2, stderr: expect.stringContaining('--out DIR is required') });
    expect(await ketchJepsen('run', '--out', dir, '--nemesis', 'meteor')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown nemesis "meteor"') });
    expect(await ketchJepsen('run', '--out', dir, '--workload', 'bank')).toMatchObject({ code: 2, stderr: expect.stringContaining('--workload bank: unknown (known: register, watch, set, append, lease-lock)') });
    expect(await ketchJepsen('run', '--out', dir, '--target', 'zookeeper')).toMatchObject({ code: 2, stderr: expect.stringContaining('--target zookeeper: expected ketch or etcd') });
    expect(await ketchJepsen('run', '--out', dir, '--net', 'moon')).toMatchObject({ code: 2, stderr: expect.stringContaining('--net moon: expected loopback, netns or docker') });
  });

  it('exits 2 before starting anything for packet loss in loopback mode, saying why', async () => {
    const r = await ketchJepsen('run', '--out', path.join(dir, 'loss'), '--nemesis', 'kill,loss', '--time', '1s');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('loss is not supported here');
    expect(r.stderr).toContain('TCP streams through the peer proxy');
    expect(r.stderr).not.toContain('starting');
  });
});

describe('ketch jepsen check --workload (the workload checkers over a recorded history)', () => {
  const setHistory = (elements: number[]): string =>
    [
      { process: 0, type: 'invoke', f: 'add', value: 1, time: 0 },
      { process: 0, type: 'ok', f: 'add', value: 1, time: 1 },
      { process: 1, type: 'invoke', f: 'final-read', value: { member: 'm1' }, time: 2 },
      { process: 1, type: 'ok', f: 'final-read', value: { member: 'm1', rev: 2, elements }, time: 3 },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');

  it('exits 0 and prints "valid: true" for a valid set history', async () => {
    await writeFile(file('set-ok.jsonl'), setHistory([1]));
    const r = await ketchJepsen('check', '--workload', 'set', file('set-ok.jsonl'));
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('valid: true');
  });

  it('exits 1 and names the anomaly for a lost add', async () => {
    await writeFile(file('set-lost.jsonl'), setHistory([]));
    const r = await ketchJepsen('check', '--workload', 'set', file('set-lost.jsonl'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^valid: false\nset: INVALID \(lost 1 /);
    expect(r.stdout).toContain("lost: acknowledged add 1 is missing from member m1's final read");
  });

  it('exits 2 for an unknown workload or a malformed file', async () => {
    expect((await ketchJepsen('check', '--workload', 'bank', file('set-ok.jsonl'))).code).toBe(2);
    expect((await ketchJepsen('check', '--workload', 'watch', file('bad.jsonl'))).code).toBe(2);
  });
});
