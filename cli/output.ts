/**
 * etcdctl 3.4's printers (-w simple|json|fields|table), byte for byte: what each command prints
 * for each format, and "<format> not supported as output format" where etcdctl has no printer.
 */
import type {
  DeleteResponse,
  GetResponse,
  KeyValue,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveResponse,
  Member,
  MemberAddResponse,
  MemberListResponse,
  PutResponse,
  ResponseHeader,
  ResponseOp,
  StatusResponse,
  TxnResponse,
  WatchResponse,
} from '../kvstore/client/index.js';
import { CliError, ExitCode, type OutputFormat } from './client_flags.js';
import { goJson, goQuote, hex016, hex16, hexId, humanizeBytes, renderTable, type GoJson } from './gofmt.js';

/** One endpoint's health, as etcdctl's epHealth. */
export interface EpHealth {
  readonly ep: string;
  readonly health: boolean;
  /** Go duration string. */
  readonly took: string;
  readonly error: string;
}

export interface EpStatus {
  readonly ep: string;
  readonly resp: StatusResponse;
}

export interface Printer {
  del(r: DeleteResponse): void;
  get(r: GetResponse): void;
  put(r: PutResponse): void;
  txn(r: TxnResponse): void;
  watch(r: WatchResponse): void;
  grant(r: LeaseGrantResponse): void;
  revoke(id: bigint, r: LeaseRevokeResponse): void;
  keepAlive(r: LeaseKeepAliveResponse): void;
  timeToLive(r: LeaseTimeToLiveResponse, keys: boolean): void;
  leases(r: LeaseLeasesResponse): void;
  memberAdd(r: MemberAddResponse): void;
  memberRemove(id: bigint, r: MemberListResponse): void;
  memberPromote(id: bigint, r: MemberListResponse): void;
  memberList(r: MemberListResponse): void;
  endpointHealth(hs: readonly EpHealth[]): void;
  endpointStatus(ss: readonly EpStatus[]): void;
}

/** What the current printer call has printed; written in one piece when the call returns. */
let pending: Buffer[] = [];

function write(s: string | Buffer): void {
  pending.push(typeof s === 'string' ? Buffer.from(s, 'utf8') : s);
}

function line(s: string | Buffer = ''): void {
  write(s);
  write('\n');
}

function flush(): void {
  if (pending.length === 0) return;
  const out = Buffer.concat(pending);
  pending = [];
  process.stdout.write(out);
}

/** A printer whose every call writes its output at once (a watch response is never split). */
function flushing(p: Printer): Printer {
  return new Proxy(p, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        try {
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        } finally {
          flush();
        }
      };
    },
  });
}

// --- shared table rows -------------------------------------------------------------------------

function memberRows(r: MemberListResponse): string[][] {
  return r.members.map((m) => [hexId(m.id), m.name.length === 0 ? 'unstarted' : 'started', m.name, m.peerUrls.join(','), m.clientUrls.join(','), String(m.isLearner)]);
}
const MEMBER_HEADER = ['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs', 'Is Learner'];

function statusRows(ss: readonly EpStatus[]): string[][] {
  return ss.map(({ ep, resp }) => [
    ep,
    hexId(resp.header.memberId),
    resp.version,
    humanizeBytes(resp.dbSize),
    String(resp.leader === resp.header.memberId),
    String(resp.isLearner),
    String(resp.raftTerm),
    String(resp.raftIndex),
    String(resp.raftAppliedIndex),
    resp.errors.join(', '),
  ]);
}
const STATUS_HEADER = ['endpoint', 'ID', 'version', 'db size', 'is leader', 'is learner', 'raft term', 'raft index', 'raft applied index', 'errors'];

function healthRows(hs: readonly EpHealth[]): string[][] {
  return hs.map((h) => [h.ep, String(h.health), h.took, h.error]);
}
const HEALTH_HEADER = ['endpoint', 'health', 'took', 'error'];

// --- unsupported ---------------------------------------------------------------------------------

class Unsupported implements Printer {
  constructor(private readonly format: string) {}
  protected no(): never {
    throw new CliError(ExitCode.BAD_FEATURE, `${this.format} not supported as output format`);
  }
  del(..._args: unknown[]): void {
    this.no();
  }
  get(..._args: unknown[]): void {
    this.no();
  }
  put(..._args: unknown[]): void {
    this.no();
  }
  txn(..._args: unknown[]): void {
    this.no();
  }
  watch(..._args: unknown[]): void {
    this.no();
  }
  grant(..._args: unknown[]): void {
    this.no();
  }
  revoke(..._args: unknown[]): void {
    this.no();
  }
  keepAlive(..._args: unknown[]): void {
    this.no();
  }
  timeToLive(..._args: unknown[]): void {
    this.no();
  }
  leases(..._args: unknown[]): void {
    this.no();
  }
  memberAdd(..._args: unknown[]): void {
    this.no();
  }
  memberRemove(..._args: unknown[]): void {
    this.no();
  }
  memberPromote(..._args: unknown[]): void {
    this.no();
  }
  memberList(..._args: unknown[]): void {
    this.no();
  }
  endpointHealth(..._args: unknown[]): void {
    this.no();
  }
  endpointStatus(..._args: unknown[]): void {
    this.no();
  }
}

// --- simple ----------------------------------------------------------------------------------

function hexBytes(b: Buffer): string {
  let s = '';
  for (const c of b) s += `\\x${c.toString(16).padStart(2, '0')}`;
  return s;
}

export class SimplePrinter implements Printer {
  valueOnly = false;
  constructor(private readonly isHex: boolean) {}

  private kv(kv: KeyValue): void {
    if (!this.valueOnly) line(this.isHex ? hexBytes(kv.key) : kv.key);
    line(this.isHex ? hexBytes(kv.value) : kv.value);
  }

  del(r: DeleteResponse): void {
    line(String(r.deleted));
    for (const kv of r.prevKvs) this.kv(kv);
  }

  get(r: GetResponse): void {
    for (const kv of r.kvs) this.kv(kv);
  }

  put(r: PutResponse): void {
    line('OK');
    if (r.prevKv !== undefined) this.kv(r.prevKv);
  }

  txn(r: TxnResponse): void {
    line(r.succeeded ? 'SUCCESS' : 'FAILURE');
    for (const op of r.responses) {
      line('');
      switch (op.type) {
        case 'delete':
          this.del(op.response);
          break;
        case 'put':
          this.put(op.response);
          break;
        case 'range':
          this.get(op.response);
          break;
        case 'txn':
          line(`unexpected response ${goJson(txnJson(op.response))}`);
          break;
        default: {
          const never: never = op;
          void never;
        }
      }
    }
  }

  watch(r: WatchResponse): void {
    for (const e of r.events) {
      line(e.type === 'put' ? 'PUT' : 'DELETE');
      if (e.prevKv !== undefined) this.kv(e.prevKv);
      this.kv(e.kv);
    }
  }

  grant(r: LeaseGrantResponse): void {
    line(`lease ${hex016(r.id)} granted with TTL(${r.ttl}s)`);
  }

  revoke(id: bigint): void {
    line(`lease ${hex016(id)} revoked`);
  }

  keepAlive(r: LeaseKeepAliveResponse): void {
    line(`lease ${hex016(r.id)} keepalived with TTL(${r.ttl})`);
  }

  timeToLive(r: LeaseTimeToLiveResponse, keys: boolean): void {
    if (r.grantedTtl === 0 && r.ttl === -1) {
      line(`lease ${hex016(r.id)} already expired`);
      return;
    }
    let txt = `lease ${hex016(r.id)} granted with TTL(${r.grantedTtl}s), remaining(${r.ttl}s)`;
    if (keys) txt += `, attached keys([${r.keys.map((k) => k.toString('latin1')).join(' ')}])`;
    line(keys ? Buffer.from(txt, 'latin1') : txt);
  }

  leases(r: LeaseLeasesResponse): void {
    line(`found ${r.leases.length} leases`);
    for (const id of r.leases) line(hex016(id));
  }

  memberAdd(r: MemberAddResponse): void {
    line(`Member ${hex16(r.member.id)} added to cluster ${hex16(r.header.clusterId)}`);
  }

  memberRemove(id: bigint, r: MemberListResponse): void {
    line(`Member ${hex16(id)} removed from cluster ${hex16(r.header.clusterId)}`);
  }

  memberPromote(id: bigint, r: MemberListResponse): void {
    line(`Member ${hex16(id)} promoted in cluster ${hex16(r.header.clusterId)}`);
  }

  memberList(r: MemberListResponse): void {
    for (const row of memberRows(r)) line(row.join(', '));
  }

  endpointHealth(hs: readonly EpHealth[]): void {
    for (const h of hs) {
      if (h.error === '') process.stderr.write(`${h.ep} is healthy: successfully committed proposal: took = ${h.took}\n`);
      else process.stderr.write(`${h.ep} is unhealthy: failed to commit proposal: ${h.error}\n`);
    }
  }

  endpointStatus(ss: readonly EpStatus[]): void {
    for (const row of statusRows(ss)) line(row.join(', '));
  }
}

// --- json (Go's encoding/json of clientv3's structs; omitempty on every protobuf field) -----------

function nz<T extends number | bigint | string | boolean>(v: T): T | undefined {
  return v === 0 || v === 0n || v === '' || v === false ? undefined : v;
}

function nzBytes(b: Buffer): Buffer | undefined {
  return b.length === 0 ? undefined : b;
}

function nzList<T>(l: readonly T[]): readonly T[] | undefined {
  return l.length === 0 ? undefined : l;
}

function headerJson(h: ResponseHeader): Record<string, GoJson | undefined> {
  return { cluster_id: nz(h.clusterId), member_id: nz(h.memberId), revision: nz(h.revision), raft_term: nz(h.raftTerm) };
}

function kvJson(kv: KeyValue): Record<string, GoJson | undefined> {
  return {
    key: nzBytes(kv.key),
    create_revision: nz(kv.createRevision),
    mod_revision: nz(kv.modRevision),
    version: nz(kv.version),
    value: nzBytes(kv.value),
    lease: nz(kv.lease),
  };
}

function getJson(r: GetResponse): GoJson {
  return { header: headerJson(r.header), kvs: nzList(r.kvs.map(kvJson)), more: nz(r.more), count: nz(r.count) };
}

function putJson(r: PutResponse): GoJson {
  return { header: headerJson(r.header), prev_kv: r.prevKv === undefined ? undefined : kvJson(r.prevKv) };
}

function delJson(r: DeleteResponse): GoJson {
  return { header: headerJson(r.header), deleted: nz(r.deleted), prev_kvs: nzList(r.prevKvs.map(kvJson)) };
}

function opJson(op: ResponseOp): GoJson {
  switch (op.type) {
    case 'range':
      return { Response: { ResponseRange: getJson(op.response) } };
    case 'put':
      return { Response: { ResponsePut: putJson(op.response) } };
    case 'delete':
      return { Response: { ResponseDeleteRange: delJson(op.response) } };
    case 'txn':
      return { Response: { ResponseTxn: txnJson(op.response) } };
  }
}

function txnJson(r: TxnResponse): GoJson {
  return { header: headerJson(r.header), succeeded: nz(r.succeeded), responses: nzList(r.responses.map(opJson)) };
}

function memberJson(m: Member): GoJson {
  return { ID: nz(m.id), name: nz(m.name), peerURLs: nzList(m.peerUrls), clientURLs: nzList(m.clientUrls), isLearner: nz(m.isLearner) };
}

function statusJson(s: StatusResponse): GoJson {
  return {
    header: headerJson(s.header),
    version: nz(s.version),
    dbSize: nz(s.dbSize),
    leader: nz(s.leader),
    raftIndex: nz(s.raftIndex),
    raftTerm: nz(s.raftTerm),
    raftAppliedIndex: nz(s.raftAppliedIndex),
    errors: nzList(s.errors),
    dbSizeInUse: nz(s.dbSizeInUse),
    isLearner: nz(s.isLearner),
  };
}

function printJson(v: GoJson): void {
  line(goJson(v));
}

export class JsonPrinter implements Printer {
  del(r: DeleteResponse): void {
    printJson(delJson(r));
  }
  get(r: GetResponse): void {
    printJson(getJson(r));
  }
  put(r: PutResponse): void {
    printJson(putJson(r));
  }
  txn(r: TxnResponse): void {
    printJson(txnJson(r));
  }
  watch(r: WatchResponse): void {
    const events = r.events.map((e) => ({ type: e.type === 'delete' ? 1 : undefined, kv: kvJson(e.kv), prev_kv: e.prevKv === undefined ? undefined : kvJson(e.prevKv) }));
    printJson({ Header: headerJson(r.header), Events: events.length === 0 ? null : events, CompactRevision: r.compactRevision, Canceled: r.canceled, Created: false });
  }
  grant(r: LeaseGrantResponse): void {
    printJson({ ...headerJson(r.header), ID: r.id, TTL: r.ttl, Error: '' });
  }
  revoke(_id: bigint, r: LeaseRevokeResponse): void {
    printJson({ header: headerJson(r.header) });
  }
  keepAlive(r: LeaseKeepAliveResponse): void {
    printJson({ ...headerJson(r.header), ID: r.id, TTL: r.ttl });
  }
  timeToLive(r: LeaseTimeToLiveResponse): void {
    printJson({ ...headerJson(r.header), id: r.id, ttl: r.ttl, 'granted-ttl': r.grantedTtl, keys: r.keys.length === 0 ? null : r.keys });
  }
  leases(r: LeaseLeasesResponse): void {
    printJson({ ...headerJson(r.header), leases: r.leases.map((id) => ({ id })) });
  }
  memberAdd(r: MemberAddResponse): void {
    printJson({ header: headerJson(r.header), member: memberJson(r.member), members: nzList(r.members.map(memberJson)) });
  }
  memberRemove(_id: bigint, r: MemberListResponse): void {
    this.memberList(r);
  }
  memberPromote(_id: bigint, r: MemberListResponse): void {
    this.memberList(r);
  }
  memberList(r: MemberListResponse): void {
    printJson({ header: headerJson(r.header), members: nzList(r.members.map(memberJson)) });
  }
  endpointHealth(hs: readonly EpHealth[]): void {
    printJson(hs.map((h) => ({ endpoint: h.ep, health: h.health, took: h.took, error: nz(h.error) })));
  }
  endpointStatus(ss: readonly EpStatus[]): void {
    printJson(ss.map((s) => ({ Endpoint: s.ep, Status: statusJson(s.resp) })));
  }
}

// --- fields ------------------------------------------------------------------------------------

function fieldLine(name: string, value: string | number | bigint | boolean): void {
  line(`"${name}" : ${String(value)}`);
}

export class FieldsPrinter extends Unsupported {
  constructor() {
    super('fields');
  }

  private hdr(h: ResponseHeader): void {
    fieldLine('ClusterID', h.clusterId);
    fieldLine('MemberID', h.memberId);
    fieldLine('Revision', h.revision);
    fieldLine('RaftTerm', h.raftTerm);
  }

  private kv(pfx: string, kv: KeyValue): void {
    fieldLine(`${pfx}Key`, goQuote(kv.key));
    fieldLine(`${pfx}CreateRevision`, kv.createRevision);
    fieldLine(`${pfx}ModRevision`, kv.modRevision);
    fieldLine(`${pfx}Version`, kv.version);
    fieldLine(`${pfx}Value`, goQuote(kv.value));
    fieldLine(`${pfx}Lease`, kv.lease);
  }

  override del(r: DeleteResponse): void {
    this.hdr(r.header);
    fieldLine('Deleted', r.deleted);
    for (const kv of r.prevKvs) this.kv('Prev', kv);
  }

  override get(r: GetResponse): void {
    this.hdr(r.header);
    for (const kv of r.kvs) this.kv('', kv);
    fieldLine('More', r.more);
    fieldLine('Count', r.count);
  }

  override put(r: PutResponse): void {
    this.hdr(r.header);
    if (r.prevKv !== undefined) this.kv('Prev', r.prevKv);
  }

  override txn(r: TxnResponse): void {
    this.hdr(r.header);
    fieldLine('Succeeded', r.succeeded);
    for (const op of r.responses) {
      if (op.type === 'delete') this.del(op.response);
      else if (op.type === 'put') this.put(op.response);
      else if (op.type === 'range') this.get(op.response);
      else fieldLine('Unknown', goQuote(goJson(txnJson(op.response))));
    }
  }

  override watch(r: WatchResponse): void {
    this.hdr(r.header);
    for (const e of r.events) {
      fieldLine('Type', e.type === 'put' ? 'PUT' : 'DELETE');
      if (e.prevKv !== undefined) this.kv('Prev', e.prevKv);
      this.kv('', e.kv);
    }
  }

  override grant(r: LeaseGrantResponse): void {
    this.hdr(r.header);
    fieldLine('ID', r.id);
    fieldLine('TTL', r.ttl);
  }

  override revoke(_id: bigint, r: LeaseRevokeResponse): void {
    this.hdr(r.header);
  }

  override keepAlive(r: LeaseKeepAliveResponse): void {
    this.hdr(r.header);
    fieldLine('ID', r.id);
    fieldLine('TTL', r.ttl);
  }

  override timeToLive(r: LeaseTimeToLiveResponse): void {
    this.hdr(r.header);
    fieldLine('ID', r.id);
    fieldLine('TTL', r.ttl);
    fieldLine('GrantedTTL', r.grantedTtl);
    for (const k of r.keys) fieldLine('Key', goQuote(k));
  }

  override leases(r: LeaseLeasesResponse): void {
    this.hdr(r.header);
    for (const id of r.leases) fieldLine('ID', id);
  }

  override memberList(r: MemberListResponse): void {
    this.hdr(r.header);
    for (const m of r.members) {
      fieldLine('ID', m.id);
      fieldLine('Name', goQuote(m.name));
      for (const u of m.peerUrls) fieldLine('PeerURL', goQuote(u));
      for (const u of m.clientUrls) fieldLine('ClientURL', goQuote(u));
      fieldLine('IsLearner', m.isLearner);
      line();
    }
  }

  override endpointHealth(hs: readonly EpHealth[]): void {
    for (const h of hs) {
      fieldLine('Endpoint', goQuote(h.ep));
      fieldLine('Health', h.health);
      fieldLine('Took', h.took);
      fieldLine('Error', h.error);
      line();
    }
  }

  override endpointStatus(ss: readonly EpStatus[]): void {
    for (const { ep, resp } of ss) {
      this.hdr(resp.header);
      fieldLine('Version', goQuote(resp.version));
      fieldLine('DBSize', resp.dbSize);
      fieldLine('Leader', resp.leader);
      fieldLine('IsLearner', resp.isLearner);
      fieldLine('RaftIndex', resp.raftIndex);
      fieldLine('RaftTerm', resp.raftTerm);
      fieldLine('RaftAppliedIndex', resp.raftAppliedIndex);
      fieldLine('Errors', `[${resp.errors.join(' ')}]`);
      fieldLine('Endpoint', goQuote(ep));
      line();
    }
  }
}

// --- table -------------------------------------------------------------------------------------

export class TablePrinter extends Unsupported {
  constructor() {
    super('table');
  }
  override memberList(r: MemberListResponse): void {
    write(renderTable(MEMBER_HEADER, memberRows(r)));
  }
  override endpointHealth(hs: readonly EpHealth[]): void {
    write(renderTable(HEALTH_HEADER, healthRows(hs)));
  }
  override endpointStatus(ss: readonly EpStatus[]): void {
    write(renderTable(STATUS_HEADER, statusRows(ss)));
  }
}

function printerFor(format: OutputFormat, isHex: boolean): Printer {
  switch (format) {
    case 'simple':
      return new SimplePrinter(isHex);
    case 'json':
      return new JsonPrinter();
    case 'fields':
      return new FieldsPrinter();
    case 'table':
      return new TablePrinter();
  }
}

export function newPrinter(format: OutputFormat, isHex: boolean): Printer {
  return flushing(printerFor(format, isHex));
}
