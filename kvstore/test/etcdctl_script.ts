/**
 * The etcdctl transcript run against ketch and against a real etcd (etcdctl_transcript.test.ts).
 * Servers run with --max-txn-ops 8 (TRANSCRIPT_STORE_ARGS) so that "too many operations" is
 * reachable from etcdctl. Everything that would be nondeterministic on etcd itself is avoided:
 * `lease list` and `lease timetolive --keys` run while the answer has one element (etcd returns
 * them in map order).
 */
import type { Capture, Step } from './transcript.js';

export const TRANSCRIPT_STORE_ARGS = ['--max-txn-ops', '8'] as const;

/** A value just over etcd's default --max-request-bytes (1.5 MiB). */
export const BIG_VALUE_BYTES = 1_600_000;

const run = (args: string, extra: Omit<Extract<Step, { kind: 'run' }>, 'kind' | 'args'> = {}): Step => ({ kind: 'run', args: splitArgs(args), ...extra });
const revision = (name: string): Capture => ({ name, from: /"revision":(\d+)/, kind: 'value' });
const lease = (name: string): Capture => ({ name, from: /^lease ([0-9a-f]+) granted/m, kind: 'lease' });
const txn = (args: string, stdin: string): Step => ({ kind: 'run', args: splitArgs(args), stdin });
const plus = (name: string, from: string, delta: number): Step => ({ kind: 'let', name, value: (v) => String(Number(v.get(from)) + delta) });

/** Splits on spaces; '' stands for an empty argument. */
function splitArgs(s: string): string[] {
  return s.split(' ').map((a) => (a === "''" ? '' : a));
}

export const ETCDCTL_SCRIPT: readonly Step[] = [
  // --- the cluster -------------------------------------------------------------------------------
  run('member list -w json', {
    capture: [
      { name: 'MEMBER', from: /"members":\[\{"ID":(\d+)/, kind: 'member' },
      { name: 'CLUSTER', from: /"cluster_id":(\d+)/, kind: 'member' },
    ],
  }),
  run('member list'),
  run('member list -w table'),
  run('endpoint health'),
  run('endpoint health -w json'),
  run('endpoint health -w table'),

  // --- put ---------------------------------------------------------------------------------------
  run('put foo bar'),
  run('put foo bar2 -w json', { capture: [revision('R_FOO2')] }),
  run('put foo1 v1'),
  run('put foo2 v2'),
  run('put foo3 v3 -w fields'),
  run('put fop x -w json', { capture: [revision('R_FOP')] }),
  run('put a/1 one'),
  run('put a/2 two'),
  run('put a/3 three'),
  run('put zoo z'),
  run('put foo bar3 --prev-kv'),
  run('put foo bar4 --prev-kv -w json'),
  run('put foo --ignore-value'),
  run('put nokey --ignore-value'),
  run("put '' v"),

  // --- get ---------------------------------------------------------------------------------------
  run('get foo'),
  run('get foo -w json'),
  run('get foo -w fields'),
  run('get foo --print-value-only'),
  run('get foo --keys-only'),
  run('get foo --prefix'),
  run('get foo --prefix --keys-only'),
  run('get foo --prefix --limit=2 -w json'),
  run('get foo foo3'),
  run('get foo3 --from-key --keys-only'),
  run("get '' --from-key --keys-only"),
  run('get foo --prefix --sort-by=CREATE --order=DESCEND --keys-only'),
  run('get foo --prefix --sort-by=MODIFY --order=ASCEND --keys-only'),
  run('get foo --prefix --sort-by=VALUE --order=DESCEND'),
  run('get foo --prefix --sort-by=MODIFY --order=DESCEND --limit=2 -w json'),
  run('get foo --prefix --sort-by=VERSION --order=DESCEND --keys-only'),
  run('get foo --prefix --sort-by=KEY --order=DESCEND --keys-only'),
  run('get foo --prefix --order=DESCEND --keys-only'),
  run('get a/ --prefix --sort-by=VALUE --print-value-only'),
  run('get a/ --prefix --limit=1 --print-value-only'),
  run('get foo --rev=${R_FOO2}'),
  run('get foo --prefix --rev=${R_FOO2} -w json'),
  run('get foo --consistency=s -w fields'),
  run('get nokey'),
  run('get nokey -w json'),
  run('get foo --rev=99999'),
  run("get ''"),

  // --- leases ------------------------------------------------------------------------------------
  run('lease grant 600', { capture: [lease('L1')] }),
  run('lease list'),
  run('lease list -w json'),
  run('put lk v1 --lease=${L1}'),
  run('put lk v2 --ignore-lease'),
  run('get lk -w json'),
  run('lease timetolive ${L1}'),
  run('lease timetolive ${L1} --keys'),
  run('lease timetolive ${L1} --keys -w json'),
  run('put lk2 v --lease=${L1}'),
  run('lease grant 600 -w json', { capture: [{ name: 'L2', from: /"ID":(\d+)/, kind: 'member' }] }),
  run('put lk3 v --lease=${L2} -w json'),
  run('put lk4 v --lease=123abc'),
  run('put nokey v --ignore-lease'),
  run('lease keep-alive --once ${L1}'),
  run('lease keep-alive --once 123abc'),
  run('lease revoke ${L1}'),
  run('get lk --prefix'),
  run('lease timetolive ${L1}'),
  run('lease revoke ${L1}'),
  run('lease grant 9000000001'),

  // --- txn ---------------------------------------------------------------------------------------
  txn(
    'txn',
    'value("foo") = "bar4"\nversion("foo") > "1"\ncreate("foo1") > "0"\nmod("fop") = "${R_FOP}"\ncreate("nokey") = "0"\n\nput t/1 yes\nget a/ --prefix --keys-only\ndel foo3\n\nput t/1 no\n\n',
  ),
  txn('txn -w json', 'value("foo") != "bar4"\n\nput t/2 no\n\nput t/2 else\nget t/1\nget foo --prefix --limit=1\n\n'),
  txn('txn -w fields', 'mod("foo") > "${R_FOO2}"\nversion("t/2") < "1"\n\nget t/2\n\ndel t/ --prefix\n\n'),
  txn('txn', '\nput t/3 no-compares\n\n\n'),
  txn('txn', 'value("nokey") = "x"\n\nput t/4 x\n\nput t/4 y --prev-kv\n\n'),
  txn('txn', '\nput dup 1\nput dup 2\n\n\n'),
  txn('txn', '\nput dup 1\ndel dup\n\n\n'),
  txn('txn', '\nput o/1 1\nput o/2 2\nput o/3 3\nput o/4 4\nput o/5 5\nput o/6 6\nput o/7 7\nput o/8 8\nput o/9 9\n\n\n'),
  run('get t/ --prefix -w json'),

  // --- delete ------------------------------------------------------------------------------------
  run('del foo2 --prev-kv'),
  run('del foo2'),
  run('del a/1 a/3'),
  run('del a/ --prefix --prev-kv -w json'),
  run('del nokey -w json'),
  run("del ''"),
  run('del t/ --prefix -w fields'),

  // --- watch -------------------------------------------------------------------------------------
  run('get foo -w json', { capture: [revision('R_NOW')] }),
  plus('R_W', 'R_NOW', 1),
  { kind: 'background', name: 'live', args: splitArgs('watch --prefix w/ --rev=${R_W}'), until: /^w\/end\ndone\n/m },
  run('put w/1 a'),
  run('put w/2 b'),
  run('del w/1'),
  run('put w/end done'),
  { kind: 'join', name: 'live' },
  run('watch --prefix w/ --rev=${R_W} --prev-kv', { until: /^w\/end\ndone\n/m }),
  run('watch --prefix w/ --rev=${R_W} -w json', { until: /"dy9lbmQ="[^\n]*\n/ }),
  run('watch w/1 w/3 --rev=${R_W}', { until: /^DELETE\nw\/1\n\n/m }),

  // --- compaction --------------------------------------------------------------------------------
  plus('R_BEFORE_FOO2', 'R_FOO2', -1),
  run('compact ${R_FOO2}'),
  run('get foo --rev=${R_FOO2}'),
  run('get foo --rev=${R_BEFORE_FOO2}'),
  run('compact ${R_FOO2}'),
  run('compact 99999'),
  run('watch foo --rev=${R_BEFORE_FOO2}', { timeoutMs: 10_000 }),
  run('compact ${R_W} --physical'),
  run('get w/ --prefix --rev=${R_W} -w json'),

  // --- a request over --max-request-bytes, then the server still answers --------------------------
  { kind: 'run', args: ['put', 'big'], stdinLabel: `${BIG_VALUE_BYTES} bytes of "x"`, stdinData: () => 'x'.repeat(BIG_VALUE_BYTES) },
  run('get big'),
  run("get '' --from-key -w json"),
];
