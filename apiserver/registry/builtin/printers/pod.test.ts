import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../types.js';
import { podRow } from './pod.js';

/** Cases from pkg/printers/internalversion printers_test.go (TestPrintPod and friends). */

const now = Date.parse('2024-05-01T12:00:00Z');
const ago = (ms: number): string => new Date(now - ms).toISOString();
const HOUR = 3_600_000;

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name: 'test1', creationTimestamp: ago(2 * HOUR), ...meta }, spec, status };
}
const containers = (n: number): Record<string, unknown> => ({ containers: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, image: 'x' })) });
const running = (name: string, restartCount = 0, ready = true): Record<string, unknown> => ({ name, ready, restartCount, state: { running: {} } });
const cells = (p: KubeObject): unknown[] => podRow(p, now).slice(1, 4);

describe('pod READY / STATUS / RESTARTS', () => {
  it('a pending pod with no statuses', () => {
    expect(cells(pod(containers(2), { phase: 'Pending' }))).toEqual(['0/2', 'Pending', '0']);
  });

  it('running containers count as ready, restarts add up', () => {
    expect(cells(pod(containers(2), { phase: 'podPhase', containerStatuses: [running('c0', 3), running('c1', 3)] }))).toEqual([
      '2/2',
      'podPhase',
      '6',
    ]);
  });

  it('a waiting reason becomes the status (ContainerCreating, CrashLoopBackOff)', () => {
    const waiting = (reason: string): Record<string, unknown> => ({ name: 'c0', ready: false, restartCount: 3, state: { waiting: { reason } } });
    expect(cells(pod(containers(2), { phase: 'Pending', containerStatuses: [waiting('ContainerCreating'), running('c1')] }))).toEqual([
      '1/2',
      'ContainerCreating',
      '3',
    ]);
    expect(cells(pod(containers(1), { phase: 'Running', containerStatuses: [waiting('CrashLoopBackOff')] }))[1]).toBe('CrashLoopBackOff');
  });

  it('a terminated container shows its reason, or its signal or exit code', () => {
    const terminated = (t: Record<string, unknown>): Record<string, unknown> => ({ name: 'c0', ready: false, restartCount: 0, state: { terminated: t } });
    expect(cells(pod(containers(1), { phase: 'Succeeded', containerStatuses: [terminated({ reason: 'Completed', exitCode: 0 })] }))[1]).toBe('Completed');
    expect(cells(pod(containers(1), { phase: 'Running', containerStatuses: [terminated({ exitCode: 1 })] }))[1]).toBe('ExitCode:1');
    expect(cells(pod(containers(1), { phase: 'Running', containerStatuses: [terminated({ exitCode: 137, signal: 9 })] }))[1]).toBe('Signal:9');
  });

  it('Completed with a container still running is shown as Running or NotReady', () => {
    const statuses = [running('c0'), { name: 'c1', ready: false, restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0 } } }];
    const ready = [{ type: 'Ready', status: 'True' }];
    expect(cells(pod(containers(2), { phase: 'Running', containerStatuses: statuses, conditions: ready }))[1]).toBe('Running');
    expect(cells(pod(containers(2), { phase: 'Running', containerStatuses: statuses }))[1]).toBe('NotReady');
  });

  it('init containers: Init:N/M, Init:<reason>, Init:ExitCode', () => {
    const spec = { ...containers(1), initContainers: [{ name: 'i0', image: 'x' }, { name: 'i1', image: 'x' }] };
    const done = { name: 'i0', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } };
    expect(cells(pod(spec, { phase: 'Pending', initContainerStatuses: [done, { name: 'i1', ready: false, restartCount: 0, state: { running: {} } }] }))[1]).toBe('Init:1/2');
    expect(cells(pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'i0', ready: false, restartCount: 2, state: { waiting: { reason: 'ImagePullBackOff' } } }] }))).toEqual([
      '0/1',
      'Init:ImagePullBackOff',
      '2',
    ]);
    expect(cells(pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'i0', ready: false, restartCount: 0, state: { terminated: { exitCode: 3 } } }] }))[1]).toBe('Init:ExitCode:3');
    expect(cells(pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'i0', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }] }))[1]).toBe('Init:0/2');
  });

  it('a restartable (sidecar) init container counts toward READY once started', () => {
    const spec = { ...containers(1), initContainers: [{ name: 'sidecar', image: 'x', restartPolicy: 'Always' }] };
    const status = {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [{ name: 'sidecar', ready: true, started: true, restartCount: 1, state: { running: {} } }],
      containerStatuses: [running('c0', 2)],
    };
    expect(cells(pod(spec, status))).toEqual(['2/2', 'Running', '3']);
  });

  it('Terminating while deleting, Unknown when the node is lost; SchedulingGated', () => {
    const deleting = { deletionTimestamp: ago(1000) };
    expect(cells(pod(containers(1), { phase: 'Running', containerStatuses: [running('c0')] }, deleting))[1]).toBe('Terminating');
    expect(cells(pod(containers(1), { phase: 'Succeeded' }, deleting))[1]).toBe('Succeeded');
    expect(cells(pod(containers(1), { phase: 'Running', reason: 'NodeLost' }, deleting))[1]).toBe('Unknown');
    expect(cells(pod(containers(1), { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }))[1]).toBe('SchedulingGated');
  });

  it('RESTARTS says how long ago the last restart was', () => {
    const status = {
      phase: 'Running',
      containerStatuses: [{ ...running('c0', 4), lastState: { terminated: { exitCode: 1, finishedAt: ago(200_000) } } }],
    };
    expect(cells(pod(containers(1), status))[2]).toBe('4 (3m20s ago)');
  });
});

describe('pod wide columns', () => {
  it('IP, NODE, NOMINATED NODE and READINESS GATES', () => {
    const p = pod(
      { ...containers(1), nodeName: 'node-1', readinessGates: [{ conditionType: 'a' }, { conditionType: 'b' }] },
      { phase: 'Running', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }], conditions: [{ type: 'a', status: 'True' }, { type: 'b', status: 'False' }] },
    );
    expect(podRow(p, now)).toEqual(['test1', '0/1', 'Running', '0', '120m', '10.0.0.1', 'node-1', '<none>', '1/2']);
    expect(podRow(pod(containers(1), {}), now).slice(5)).toEqual(['<none>', '<none>', '<none>', '<none>']);
  });
});
