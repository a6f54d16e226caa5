import { describe, expect, it } from 'vitest';
import { LeaseErrorCode } from './errors.js';
import { testLessor } from './testing.js';

const code = (c: string) => expect.objectContaining({ code: c });
const ELECTION_TIMEOUT_MS = 1_000;

describe('Lessor.expiredLeases', () => {
  it('hands out only expired leases, soonest expiry first', () => {
    const { lessor, clock } = testLessor();
    lessor.promote(0);
    lessor.grant(1, 10);
    lessor.grant(2, 5);
    lessor.grant(3, 30);
    clock.advance(4_999);
    expect(lessor.expiredLeases(10)).toEqual([]);
    clock.advance(1);
    expect(lessor.expiredLeases(10)).toEqual([2]);
    lessor.revoke(2, () => {}); // the leader's revoke proposal, committed and applied
    clock.advance(20_000);
    expect(lessor.expiredLeases(10)).toEqual([1]);
  });

  it('hands out at most `limit`, the rest on the next call', () => {
    const { lessor, clock } = testLessor();
    lessor.promote(0);
    for (let id = 1; id <= 5; id++) lessor.grant(id, id);
    clock.advance(10_000);
    expect(lessor.expiredLeases(2)).toEqual([1, 2]);
    expect(lessor.expiredLeases(2)).toEqual([3, 4]);
    expect(lessor.expiredLeases(2)).toEqual([5]);
  });

  it('hands out nothing on a member that is not primary', () => {
    const { lessor, clock } = testLessor();
    lessor.grant(1, 1);
    clock.advance(3_600_000);
    expect(lessor.expiredLeases(10)).toEqual([]);
    expect(lessor.exists(1)).toBe(true);
  });

  it('hands out an expired lease again only after the retry interval, while it is not revoked', () => {
    const { lessor, clock } = testLessor({ expiredRetryIntervalMs: 3_000 });
    lessor.promote(0);
    lessor.grant(1, 5);
    lessor.grant(2, 5);
    clock.advance(5_000);
    expect(lessor.expiredLeases(10)).toEqual([1, 2]);
    clock.advance(2_999);
    expect(lessor.expiredLeases(10)).toEqual([]);
    lessor.revoke(2, () => {}); // lease 1's revoke proposal was lost
    clock.advance(1);
    expect(lessor.expiredLeases(10)).toEqual([1]);
    expect(lessor.expiredLeases(10)).toEqual([]);
  });
});

describe('Lessor.renew', () => {
  it('extends the expiry by the full TTL from now and returns the TTL', () => {
    const { lessor, clock } = testLessor();
    lessor.promote(0);
    lessor.grant(1, 10);
    lessor.grant(2, 10);
    clock.advance(8_000);
    expect(lessor.renew(1)).toBe(10);
    clock.advance(5_000);
    expect(lessor.expiredLeases(10)).toEqual([2]);
    lessor.revoke(2, () => {});
    expect(lessor.timeToLive(1).ttlSeconds).toBe(5);
    clock.advance(5_000);
    expect(lessor.expiredLeases(10)).toEqual([1]);
  });

  it('is refused when not primary, for unknown leases, and for expired ones awaiting revoke', () => {
    const { lessor, clock } = testLessor();
    lessor.grant(1, 10);
    expect(() => lessor.renew(1)).toThrowError(code(LeaseErrorCode.NOT_PRIMARY));
    lessor.promote(0);
    expect(() => lessor.renew(2)).toThrowError(code(LeaseErrorCode.NOT_FOUND));
    clock.advance(10_000);
    expect(() => lessor.renew(1)).toThrowError(code(LeaseErrorCode.EXPIRED));
  });
});

describe('Lessor.promote and demote', () => {
  it('a lease with 1 s left before a leader change does not expire right after promote', () => {
    // Old leader: the lease has 1 s left when leadership moves.
    const { lessor: oldLeader, clock } = testLessor();
    const { lessor: newLeader } = testLessor({ clock: clock.now });
    oldLeader.promote(0);
    oldLeader.grant(1, 10);
    newLeader.grant(1, 10); // the same committed grant, applied on a follower
    clock.advance(9_000);
    oldLeader.demote();

    newLeader.promote(ELECTION_TIMEOUT_MS);
    clock.advance(1_000); // when the lease would have expired on the old leader
    expect(newLeader.expiredLeases(10)).toEqual([]);
    expect(newLeader.timeToLive(1).ttlSeconds).toBe(10);
    clock.advance(9_999); // TTL + extend, less 1 ms, after the promote
    expect(newLeader.expiredLeases(10)).toEqual([]);
    clock.advance(1);
    expect(newLeader.expiredLeases(10)).toEqual([1]);
  });

  it('demote stops expiry: nothing is handed out however long it waits', () => {
    const { lessor, clock } = testLessor();
    lessor.promote(0);
    lessor.grant(1, 5);
    clock.advance(4_000);
    lessor.demote();
    expect(lessor.isPrimary()).toBe(false);
    clock.advance(3_600_000);
    expect(lessor.expiredLeases(10)).toEqual([]);
    expect(() => lessor.renew(1)).toThrowError(code(LeaseErrorCode.NOT_PRIMARY));
    lessor.grant(2, 5); // granted while a follower: no expiry either
    clock.advance(3_600_000);
    expect(lessor.expiredLeases(10)).toEqual([]);
    lessor.promote(0);
    expect(lessor.isPrimary()).toBe(true);
    clock.advance(5_000);
    expect(lessor.expiredLeases(10)).toEqual([1, 2]);
  });

  it('spreads expiries on promote so no second holds more than 3/4 of the revoke rate', () => {
    // Revoke rate 8/s: at most 6 expire in the first second, the rest are pushed out.
    const { lessor, clock } = testLessor({ revokeRatePerSecond: 8 });
    for (let id = 1; id <= 8; id++) lessor.grant(id, 10);
    lessor.promote(ELECTION_TIMEOUT_MS);
    clock.advance(ELECTION_TIMEOUT_MS + 10_000);
    expect(lessor.expiredLeases(100)).toEqual([1, 2, 3, 4, 5, 6]);
    clock.advance(999);
    expect(lessor.expiredLeases(100)).toEqual([]);
    clock.advance(500);
    expect(lessor.expiredLeases(100)).toEqual([7, 8]);
  });

  it('does not spread when there are fewer leases than the revoke rate', () => {
    const { lessor, clock } = testLessor({ revokeRatePerSecond: 8 });
    for (let id = 1; id <= 7; id++) lessor.grant(id, 10);
    lessor.promote(0);
    clock.advance(10_000);
    expect(lessor.expiredLeases(100)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('Lessor checkpoints', () => {
  it('hands out remaining TTLs every interval; a new leader starts from the checkpointed TTL', () => {
    const { lessor: leader, clock } = testLessor({ checkpointIntervalMs: 3_000 });
    const { lessor: follower } = testLessor({ clock: clock.now, checkpointIntervalMs: 3_000 });
    leader.promote(0);
    for (const l of [leader, follower]) l.grant(1, 10);
    expect(leader.dueCheckpoints(10)).toEqual([]);
    clock.advance(3_000);
    const due = leader.dueCheckpoints(10);
    expect(due).toEqual([{ id: 1, remainingTtlSeconds: 7 }]);
    expect(leader.dueCheckpoints(10)).toEqual([]); // not again until the checkpoint applies
    for (const l of [leader, follower]) for (const c of due) l.checkpoint(c.id, c.remainingTtlSeconds);

    leader.demote();
    follower.promote(0);
    clock.advance(6_999);
    expect(follower.expiredLeases(10)).toEqual([]);
    clock.advance(1);
    expect(follower.expiredLeases(10)).toEqual([1]);
  });

  it('a renew asks to clear the checkpoint, so the full TTL applies again', () => {
    const { lessor, clock } = testLessor({ checkpointIntervalMs: 3_000 });
    lessor.promote(0);
    lessor.grant(1, 10);
    lessor.checkpoint(1, 4);
    clock.advance(1_000);
    lessor.renew(1);
    expect(lessor.dueCheckpoints(10)).toEqual([{ id: 1, remainingTtlSeconds: 0 }]);
    lessor.checkpoint(1, 0);
    expect(lessor.get(1)?.remainingTtlSeconds).toBe(0);
  });

  it('hands out nothing when off, when not primary, or for TTLs within one interval', () => {
    const { lessor: off, clock } = testLessor();
    off.promote(0);
    off.grant(1, 100);
    clock.advance(50_000);
    expect(off.dueCheckpoints(10)).toEqual([]);

    const { lessor: on } = testLessor({ clock: clock.now, checkpointIntervalMs: 3_000 });
    on.grant(1, 100);
    clock.advance(50_000);
    expect(on.dueCheckpoints(10)).toEqual([]);
    on.promote(0);
    on.grant(2, 3); // TTL not above the interval: never checkpointed
    clock.advance(3_000);
    expect(on.dueCheckpoints(10)).toEqual([{ id: 1, remainingTtlSeconds: 97 }]);
  });
});
