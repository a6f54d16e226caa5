/**
 * The same etcdctl transcript (etcdctl_script.ts) against a single-member ketch and a single-member
 * real etcd 3.4, compared line by line after normalising what legitimately differs (IDs, terms,
 * ports, timings; see transcript.ts). The two transcripts are written to
 * $TMPDIR/ketch-etcdctl-transcript/{ketch,etcd}.txt for reading.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ETCDCTL_SCRIPT, TRANSCRIPT_STORE_ARGS } from './etcdctl_script.js';
import { haveRealEtcd, startKetch, startRealEtcd, type KetchCluster, type RealEtcd } from './processes.js';
import { lineDiff, runTranscript, withoutRevisions, type Transcript } from './transcript.js';

const OUT_DIR = path.join(os.tmpdir(), 'ketch-etcdctl-transcript');
const ETCD_PRESENT = haveRealEtcd();
if (!ETCD_PRESENT) {
  process.stderr.write('etcdctl_transcript: /usr/bin/etcd or /usr/bin/etcdctl is missing (Debian: etcd-server, etcd-client); the comparison with etcd is skipped\n');
}

describe('etcdctl transcript: ketch against etcd 3.4', () => {
  let ketch: KetchCluster | undefined;
  let etcd: RealEtcd | undefined;
  let ketchTranscript: Transcript;
  let etcdTranscript: Transcript | undefined;

  beforeAll(async () => {
    const [k, e] = await Promise.allSettled([
      startKetch('transcript', 1, { storeArgs: TRANSCRIPT_STORE_ARGS }),
      ETCD_PRESENT ? startRealEtcd('ketch1', TRANSCRIPT_STORE_ARGS) : Promise.resolve(undefined),
    ]);
    if (k.status === 'fulfilled') ketch = k.value;
    if (e.status === 'fulfilled') etcd = e.value;
    if (k.status === 'rejected') throw k.reason;
    if (e.status === 'rejected') throw e.reason;
    const ketchMember = ketch!.cluster.members[0]!;
    const [kt, et] = await Promise.all([
      runTranscript({ endpoint: `127.0.0.1:${ketchMember.clientPort}`, clientPort: ketchMember.clientPort, peerPort: ketchMember.peerPort }, ETCDCTL_SCRIPT),
      etcd === undefined
        ? Promise.resolve(undefined)
        : runTranscript({ endpoint: `127.0.0.1:${etcd.clientPort}`, clientPort: etcd.clientPort, peerPort: etcd.peerPort }, ETCDCTL_SCRIPT),
    ]);
    ketchTranscript = kt;
    etcdTranscript = et;
    await mkdir(OUT_DIR, { recursive: true });
    await writeFile(path.join(OUT_DIR, 'ketch.txt'), `${kt.lines.join('\n')}\n`);
    if (et !== undefined) await writeFile(path.join(OUT_DIR, 'etcd.txt'), `${et.lines.join('\n')}\n`);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([ketch?.close(), etcd?.close()]);
  });

  it('ketch completes every command, including the watches, and every captured value is found', () => {
    expect(ketchTranscript.timedOut).toEqual([]);
    expect(ketchTranscript.lines.filter((l) => l.startsWith('[capture'))).toEqual([]);
  });

  it.skipIf(!ETCD_PRESENT)('etcd completes every command (checks the script itself)', () => {
    expect(etcdTranscript!.timedOut).toEqual([]);
    expect(etcdTranscript!.lines.filter((l) => l.startsWith('[capture'))).toEqual([]);
  });

  it.skipIf(!ETCD_PRESENT)('ketch prints what etcd prints, line by line', () => {
    const e = etcdTranscript!.lines;
    const k = ketchTranscript.lines;
    const diff = lineDiff(e, k, ['etcd 3.4', 'ketch']);
    if (diff.changed === 0) return;
    const rest = lineDiff(e.map(withoutRevisions), k.map(withoutRevisions), ['etcd 3.4 (revisions hidden)', 'ketch (revisions hidden)']);
    const summary =
      rest.changed === 0
        ? 'With revision numbers hidden the transcripts are identical: only revision numbers differ.'
        : `With revision numbers hidden ${rest.changed} lines still differ:\n${rest.text}`;
    expect.fail(
      `ketch's etcdctl transcript differs from etcd's in ${diff.changed} lines (full transcripts in ${OUT_DIR}).\n${summary}\n\nFull diff:\n${diff.text}`,
    );
  });
});
