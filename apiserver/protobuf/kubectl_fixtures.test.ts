/**
 * Replays the bodies kubectl sent (testdata/kubectl_fixtures.ts, captured by
 * kubectl_capture.test.ts): each decoded protobuf body must be exactly what the same command
 * printed with --dry-run=client -o json, byte for byte once serialized.
 */
import { describe, expect, it } from 'vitest';
import { decodeKubeProtobuf, KUBE_PROTOBUF_CONTENT_TYPE } from './index.js';
import { KUBECTL_FIXTURES, KUBECTL_FIXTURES_USER_AGENT } from './testdata/kubectl_fixtures.js';

describe(`bodies captured from ${KUBECTL_FIXTURES_USER_AGENT}`, () => {
  it('include the commands of the brief', () => {
    const names = KUBECTL_FIXTURES.map((f) => f.name);
    const brief = ['configmap', 'deployment', 'namespace', 'secret', 'service', 'serviceaccount', 'role', 'clusterrolebinding', 'job', 'pod'];
    const moreTypes = ['cronjob', 'cronjob-never', 'ingress', 'ingress-tls', 'quota', 'priorityclass', 'priorityclass-never', 'pdb', 'pdb-count'];
    for (const n of [...brief, ...moreTypes]) {
      expect(names).toContain(n);
    }
  });

  for (const fixture of KUBECTL_FIXTURES.filter((f) => f.contentType === KUBE_PROTOBUF_CONTENT_TYPE)) {
    it(fixture.command, () => {
      const decoded = decodeKubeProtobuf(Buffer.from(fixture.bodyBase64, 'base64'));
      expect(decoded.skipped).toEqual([]);
      expect(JSON.stringify(decoded.object)).toBe(JSON.stringify(fixture.dryRunJson));
    });
  }

  it('kubectl run sends JSON (the unstructured helper), so there is nothing to decode', () => {
    const run = KUBECTL_FIXTURES.find((f) => f.name === 'pod');
    expect(run?.contentType).toBe('application/json');
    expect(JSON.parse(Buffer.from(run?.bodyBase64 ?? '', 'base64').toString('utf8'))).toEqual(run?.dryRunJson);
  });

  it('fail when a body is cut or altered', () => {
    const deployment = KUBECTL_FIXTURES.find((f) => f.name === 'deployment');
    const body = Buffer.from(deployment?.bodyBase64 ?? '', 'base64');
    expect(() => decodeKubeProtobuf(body.subarray(0, body.length - 3))).toThrow();
    const altered = Buffer.from(body);
    const at = altered.indexOf('nginx:1.27');
    altered.write('nginx:9.99', at);
    expect(JSON.stringify(decodeKubeProtobuf(altered).object)).not.toBe(JSON.stringify(deployment?.dryRunJson));
  });
});
