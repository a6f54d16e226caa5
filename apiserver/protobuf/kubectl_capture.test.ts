/**
 * Live check against the real kubectl: capture each command's POST body and its
 * `--dry-run=client -o json` output, and require the decoded body to be exactly that JSON (same
 * keys, same order, same values). With KETCH_UPDATE_PROTOBUF_FIXTURES=1 it also rewrites
 * testdata/kubectl_fixtures.ts, which kubectl_fixtures.test.ts replays without kubectl.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeKubeProtobuf, KUBE_PROTOBUF_CONTENT_TYPE } from './index.js';
import { CAPTURE_COMMANDS, captureWithKubectl, kubectlClientVersion, type Capture } from './testdata/kubectl.js';
import { renderFixtures } from './testdata/render_fixtures.js';

const version = await kubectlClientVersion();
const update = process.env['KETCH_UPDATE_PROTOBUF_FIXTURES'] === '1';

/** Commands whose client sends JSON rather than protobuf (kubectl run goes through the unstructured helper). */
const SENDS_JSON = new Set(['pod']);

describe.skipIf(version === undefined)(`bodies sent by kubectl ${version ?? '(not installed)'}`, () => {
  let captures: Capture[] = [];

  beforeAll(async () => {
    captures = await captureWithKubectl(CAPTURE_COMMANDS);
    const first = captures[0];
    if (update && first !== undefined) {
      const file = fileURLToPath(new URL('./testdata/kubectl_fixtures.ts', import.meta.url));
      await writeFile(file, renderFixtures(first.userAgent, captures));
    }
  }, 180_000);

  for (const command of CAPTURE_COMMANDS) {
    it(`kubectl ${command.args.join(' ')}`, () => {
      const capture = captures.find((c) => c.name === command.name);
      expect(capture).toBeDefined();
      if (capture === undefined) return;
      if (SENDS_JSON.has(command.name)) {
        expect(capture.contentType).toBe('application/json');
        expect(JSON.stringify(JSON.parse(capture.body.toString('utf8')))).toBe(capture.dryRunJson);
        return;
      }
      expect(capture.contentType).toBe(KUBE_PROTOBUF_CONTENT_TYPE);
      const decoded = decodeKubeProtobuf(capture.body);
      expect(decoded.skipped).toEqual([]);
      expect(JSON.stringify(decoded.object)).toBe(capture.dryRunJson);
    });
  }
});
