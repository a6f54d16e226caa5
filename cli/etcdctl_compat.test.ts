import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ketchBin } from '../kvstore/cluster/index.js';
import { KetchClient } from '../kvstore/client/index.js';
import { startTestCluster, type TestCluster } from '../kvstore/client/testing.js';

/**
 * `ketch kv|lease|member|endpoint ...` against etcdctl 3.4, both talking to the same ketch member:
 * stdout, stderr ("Error: ..." lines; etcdctl's own zap log lines left out) and exit code must be
 * identical. Outputs that change between two runs (revisions after a write, remaining TTLs,
 * timings, db sizes) are normalised in the few cases that have them.
 */

const ETCDCTL = '/usr/bin/etcdctl';

interface Output {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

function run(cmd: string, args: readonly string[], stdin = '', until?: RegExp): Promise<Output> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ETCDCTL_API: '3' } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.setEncoding('latin1').on('data', (d: string) => {
      stdout += d;
      if (until?.test(stdout) === true) child.kill('SIGTERM');
    });
    child.stderr.setEncoding('latin1').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: until === undefined ? code : null });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(stdin);
  });
}

let tc: TestCluster;
let endpoint: string;
let client: KetchClient;

/** etcdctl's zap log lines are its own diagnostics, not part of the command's output. */
function withoutLogs(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !l.startsWith('{"level"'))
    .join('\n');
}

async function both(args: readonly string[], stdin = '', normalize: (s: string) => string = (s) => s, until?: RegExp): Promise<{ etcdctl: Output; ketch: Output }> {
  const [group, ...rest] = args;
  const ctlArgs = group === 'kv' ? rest : args;
  const [e, k] = await Promise.all([
    run(ETCDCTL, [`--endpoints=${endpoint}`, ...ctlArgs], stdin, until),
    run(process.execPath, [ketchBin(), ...args, `--endpoints=${endpoint}`], stdin, until),
  ]);
  const norm = (o: Output): Output => ({ stdout: normalize(o.stdout), stderr: normalize(withoutLogs(o.stderr)), code: o.code });
  return { etcdctl: norm(e), ketch: norm(k) };
}

async function expectSame(args: readonly string[], stdin = '', normalize?: (s: string) => string): Promise<void> {
  const { etcdctl, ketch } = await both(args, stdin, normalize);
  expect({ args, ...ketch }).toEqual({ args, ...etcdctl });
}

const revisions = (s: string): string =>
  s.replace(/"((?:Prev)?(?:revision|mod_revision|create_revision|version|Revision|ModRevision|CreateRevision|Version))"( : |:)\d+/g, '"$1"$2N');

const hasEtcdctl = existsSync(ETCDCTL);

describe.skipIf(!hasEtcdctl)('ketch client commands match etcdctl 3.4', () => {
  let leaseHex: string;

  beforeAll(async () => {
    tc = await startTestCluster(3);
    endpoint = tc.endpoints[0]!;
    client = new KetchClient({ endpoints: [endpoint] });
    await client.put('foo', 'bar');
    for (const [k, v] of [['k1', 'v1'], ['k2', 'v2'], ['k3', 'a\tb\u00e9']]) await client.put(k!, v!);
    await client.put('bin', Buffer.from([0x61, 0x00, 0xff]));
    const lease = await client.leaseGrant(600);
    leaseHex = lease.id.toString(16).padStart(16, '0');
    await client.put('leased', 'x', { lease: lease.id });
  });

  afterAll(async () => {
    client?.close();
    await tc?.stop();
  });

  it('get, in every output format and with its flags', async () => {
    const cases: string[][] = [
      ['get', 'foo'],
      ['get', 'foo', '-w', 'json'],
      ['get', 'foo', '-w', 'fields'],
      ['get', 'foo', '-w', 'table'],
      ['get', 'k', '--prefix'],
      ['get', 'k', '--prefix', '-w', 'json'],
      ['get', 'k', '--prefix', '--limit', '2', '-w', 'fields'],
      ['get', 'k', '--prefix', '--keys-only'],
      ['get', 'k', '--prefix', '--print-value-only'],
      ['get', 'k', '--prefix', '--sort-by', 'VALUE', '--order', 'DESCEND'],
      ['get', 'k', '--prefix', '--sort-by=create', '--order=ascend', '-w', 'json'],
      ['get', 'k1', 'k3', '--hex'],
      ['get', 'bin', '-w', 'fields'],
      ['get', 'bin'],
      ['get', '', '--prefix', '--keys-only'],
      ['get', 'k', '--from-key', '-w', 'json'],
      ['get', 'foo', '--consistency', 's'],
      ['get', 'nothing'],
      ['get', 'nothing', '-w', 'json'],
      ['get', 'foo', '--rev', '1', '-w', 'json'],
    ].map((a) => ['kv', ...a]);
    await Promise.all(cases.map((a) => expectSame(a)));
  });

  it('get errors and exit codes', async () => {
    const cases: string[][] = [
      ['get'],
      ['get', 'k', '--rev', '1000000'],
      ['get', 'k', '--prefix', '--from-key'],
      ['get', 'k', 'z', '--prefix'],
      ['get', 'foo', '--consistency', 'x'],
      ['get', 'foo', '--order', 'x'],
      ['get', 'foo', '--sort-by', 'x'],
      ['get', 'foo', '--print-value-only', '-w', 'json'],
      ['get', 'foo', '-w', 'xml'],
      ['del'],
      ['del', 'a', 'b', 'c'],
      ['del', 'a', 'b', '--prefix'],
      ['put'],
      ['put', 'x', 'y', '--lease', 'zz'],
      ['put', 'x', 'y', '--lease', '1234'],
      ['put', 'x', 'y', '--ignore-value'],
      ['put', '', 'y'],
      ['compact'],
      ['compact', 'x'],
      ['compact', '1000000'],
    ].map((a) => ['kv', ...a]);
    await Promise.all(cases.map((a) => expectSame(a)));
  });

  it('put and del, one after the other on the same state', async () => {
    const steps: Array<[string[], string?]> = [
      [['put', 'w', 'base']],
      [['put', 'w', 'new', '--prev-kv']],
      [['put', 'w', 'new', '--prev-kv', '-w', 'json']],
      [['put', 'w', 'new', '--prev-kv', '-w', 'fields']],
      [['put', 'w'], 'from stdin\n'],
      [['put', 'w', '--ignore-value', '--prev-kv']],
      [['put', 'w', 'x', '--lease', leaseHex]],
      [['put', 'w', 'y', '--ignore-lease', '--prev-kv', '-w', 'json']],
      [['del', 'w', '--prev-kv']],
      [['del', 'w', '--prev-kv', '-w', 'json']],
    ];
    for (const [args, stdin] of steps) {
      // The same starting state for both: w = base.
      await client.put('w', 'base');
      const e = await run(ETCDCTL, [`--endpoints=${endpoint}`, ...args], stdin ?? '');
      await client.put('w', 'base');
      const k = await run(process.execPath, [ketchBin(), 'kv', ...args, `--endpoints=${endpoint}`], stdin ?? '');
      expect({ args, stdout: revisions(k.stdout), stderr: withoutLogs(k.stderr), code: k.code }).toEqual({ args, stdout: revisions(e.stdout), stderr: withoutLogs(e.stderr), code: e.code });
    }
  });

  it('txn: read-only transactions in every format, -i prompts, and input errors', async () => {
    const cases: Array<[string[], string]> = [
      [['txn'], 'value("foo") = "bar"\nmod("k1") > "0"\n\nget foo\nget k --prefix --keys-only\n\nget k1\n\n'],
      [['txn'], 'value("foo") = "nope"\n\nget foo\n\nget k1\nget k2 --print-value-only\n\n'],
      [['txn', '-w', 'json'], 'version("k1") = "1"\n\nget k1\n\nget k2\n\n'],
      [['txn', '-w', 'fields'], 'c("k1") != "0"\n\nget k --prefix --limit 1\n\n\n'],
      [['txn', '-i'], '\n\nget foo\n\n\n'],
      [['txn'], 'bogus\n\n\n'],
      [['txn'], 'mod("k1") > 0\n\n\n\n'],
      [['txn'], 'zz("k1") > "0"\n\n\n\n'],
      [['txn'], 'mod("k1") > "x"\n\n\n\n'],
      [['txn'], '\n\nfoo k1\n\n\n'],
      [['txn'], '\n\nput k1\n\n\n'],
      [['txn'], '\n\nget foo\n'],
      [['txn', 'arg'], ''],
    ];
    await Promise.all(cases.map(([a, stdin]) => expectSame(['kv', ...a], stdin)));
  });

  it('txn with writes', async () => {
    const input = 'value("t") = "1"\n\nput t "two words" --prev-kv\ndel t2\n\nput t fail\n\n';
    for (const w of ['simple', 'json']) {
      await client.put('t', '1');
      const e = await run(ETCDCTL, [`--endpoints=${endpoint}`, 'txn', '-w', w], input);
      await client.put('t', '1');
      const k = await run(process.execPath, [ketchBin(), 'kv', 'txn', '-w', w, `--endpoints=${endpoint}`], input);
      expect(revisions(k.stdout)).toBe(revisions(e.stdout));
      expect(k.code).toBe(e.code);
    }
  });

  it('watch: history from a revision, with prev_kv, in each format; and a compacted start', async () => {
    const start = (await client.put('wa/1', 'a')).header.revision;
    await client.put('wa/1', 'b');
    await client.delete('wa/1');
    await client.put('wa/2', 'c');
    for (const w of ['simple', 'json', 'fields']) {
      const until = w === 'simple' ? /wa\/2\nc\n/ : w === 'json' ? /Yw==/ : /"Value" : "c"\n"Lease" : 0\n/;
      const { etcdctl, ketch } = await both(['kv', 'watch', 'wa/', '--prefix', '--prev-kv', '--rev', String(start), '-w', w], '', undefined, until);
      expect(ketch.stdout).toBe(etcdctl.stdout);
    }
    await client.compact(start + 1);
    await expectSame(['kv', 'watch', 'wa/', '--prefix', '--rev', String(start)]);
  });

  it('lease commands', async () => {
    const ttl = (s: string): string => s.replace(/remaining\(\d+s\)/g, 'remaining(Ns)').replace(/"ttl":\d+/g, '"ttl":N').replace(/"TTL" : \d+/g, '"TTL" : N');
    const cases: string[][] = [
      ['lease', 'timetolive', leaseHex],
      ['lease', 'timetolive', leaseHex, '--keys'],
      ['lease', 'timetolive', leaseHex, '--keys', '-w', 'json'],
      ['lease', 'timetolive', leaseHex, '-w', 'fields'],
      ['lease', 'timetolive', '1234'],
      ['lease', 'timetolive', '1234', '-w', 'json'],
      ['lease', 'timetolive', 'zz'],
      ['lease', 'list'],
      ['lease', 'list', '-w', 'json'],
      ['lease', 'list', '-w', 'fields'],
      ['lease', 'list', '-w', 'table'],
      ['lease', 'keep-alive', '--once', leaseHex],
      ['lease', 'keep-alive', '--once', leaseHex, '-w', 'json'],
      ['lease', 'keep-alive', '--once', '1234'],
      ['lease', 'keep-alive', '1234'],
    ];
    await Promise.all(cases.map((a) => expectSame(a, '', ttl)));
    // These may grant leases, so they come after the reads of the lease list.
    const changing: string[][] = [
      ['lease', 'grant'],
      ['lease', 'grant', 'abc'],
      ['lease', 'grant', '99999999999'],
      ['lease', 'grant', '10', '-w', 'table'],
      ['lease', 'revoke'],
      ['lease', 'revoke', 'zz'],
      ['lease', 'revoke', '1234'],
    ];
    await Promise.all(changing.map((a) => expectSame(a, '', ttl)));
  });

  it('member commands', async () => {
    const cases: string[][] = [
      ['member', 'list'],
      ['member', 'list', '-w', 'json'],
      ['member', 'list', '-w', 'table'],
      ['member', 'list', '-w', 'fields'],
      ['member', 'add', 'x'],
      ['member', 'add', 'x', '--peer-urls', 'bad'],
      ['member', 'add', 'x', '--peer-urls', 'http://1.2.3.4'],
      ['member', 'add', 'x', '--peer-urls', 'http://1.2.3.4:5/p'],
      ['member', 'add', 'a', 'b', 'http://x'],
      ['member', 'add', 'x', '--peer-urls', `http://127.0.0.1:${tc.cluster.members[0]!.peerPort}`],
      ['member', 'remove'],
      ['member', 'remove', 'zz'],
      ['member', 'remove', '1234'],
    ];
    await Promise.all(cases.map((a) => expectSame(a)));
  });

  it('member add and remove of a learner', async () => {
    const peer = 'http://127.0.0.1:1';
    const id = (out: string): string => /Member +([0-9a-f]+) added/.exec(out)?.[1] ?? '';
    const e = await run(ETCDCTL, [`--endpoints=${endpoint}`, 'member', 'add', 'newbie', `--peer-urls=${peer}`, '--learner']);
    const eid = id(e.stdout);
    const eRemove = await run(ETCDCTL, [`--endpoints=${endpoint}`, 'member', 'remove', eid]);
    const k = await run(process.execPath, [ketchBin(), 'member', 'add', 'newbie', `--peer-urls=${peer}`, '--learner', `--endpoints=${endpoint}`]);
    const kid = id(k.stdout);
    const kRemove = await run(process.execPath, [ketchBin(), 'member', 'remove', kid, `--endpoints=${endpoint}`]);
    expect(eid).toMatch(/^[0-9a-f]+$/);
    expect(kid).not.toBe(eid); // a new id each time, as etcd gives (it mixes in the time)
    // ETCD_INITIAL_CLUSTER lists the members in id order, and the two adds got different ids.
    const sortCluster = (out: string): string => out.replace(/ETCD_INITIAL_CLUSTER="([^"]*)"/, (_m, list: string) => `ETCD_INITIAL_CLUSTER="${list.split(',').sort().join(',')}"`);
    expect(sortCluster(k.stdout.replaceAll(kid, 'ID'))).toBe(sortCluster(e.stdout.replaceAll(eid, 'ID')));
    expect(kRemove.stdout.replaceAll(kid, 'ID')).toBe(eRemove.stdout.replaceAll(eid, 'ID'));
    expect([k.code, kRemove.code]).toEqual([e.code, eRemove.code]);
  });

  it('endpoint status and health', async () => {
    // The db size and raft index move between two runs (the members' own proposals).
    const sizes = (s: string): string =>
      s
        .replace(/\d+(\.\d+)? [kMG]?B\b/g, 'SIZE')
        .replace(/"(dbSize|dbSizeInUse|raftIndex|raftAppliedIndex)":\d+/g, '"$1":N')
        .replace(/"(DBSize|RaftIndex|RaftAppliedIndex)" : \d+/g, '"$1" : N')
        .replace(/, \d+, \d+, $/gm, ', N, N, ')
        .replace(/\|\s+\d+ \|\s+\d+ \|(\s+)\|$/gm, '| N | N |$1|');
    for (const w of ['simple', 'json', 'table', 'fields']) await expectSame(['endpoint', 'status', '-w', w], '', sizes);
    const took = (s: string): string => s.replace(/took = [\d.]+[µmn]?s/g, 'took = T').replace(/"took":"[^"]+"/g, '"took":"T"').replace(/"Took" : \S+/g, '"Took" : T');
    for (const w of ['simple', 'json', 'fields']) await expectSame(['endpoint', 'health', '-w', w], '', took);
  });
});
