import { describe, expect, it } from 'vitest';
import { checkLinearizability, kvModel, registerModel } from '../checkers/linearizability/index.js';
import { history, op } from '../checkers/linearizability/testing/build.js';
import { renderLinearizabilityHtml } from './linearizability_timeline.js';

describe('linearizability HTML report', () => {
  it('draws the failing window: a row per process, a bar per operation, the culprit outlined, details on hover', () => {
    const ops = history(
      registerModel,
      op(1, 'write', 1, 0, 10, 'ok'),
      op(9, 'read', null, 2, 8, 'ok', null),
      op(2, 'write', 2, 20, 30, 'ok'),
      op(4, 'write', 7, 25, undefined, 'info'),
      op(3, 'read', null, 40, 50, 'ok', 1),
    );
    const report = checkLinearizability(ops, registerModel);
    const html = renderLinearizabilityHtml(report, registerModel, { source: 'stale.jsonl' });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<span class="verdict bad">not linearizable</span>');
    // the window: write 1, write 2, read → 1 (culprit); the rest is context
    expect(html.match(/<div class="op [a-z]+ win/g)).toHaveLength(3);
    expect(html).toMatch(/class="op ok win culprit[^"]*"[^>]*><span>read → 1<\/span><div class="tip"><b>read → 1<\/b><br>process 3/);
    expect(html).toContain('<i>1</i><span>write 1</span>');
    expect(html).toContain('<i>2</i><span>write 2</span>');
    expect(html).toContain('>process 1</div>');
    expect(html).toContain('id="ctx"');
    expect(html).toContain('class="op open ctx'); // the indeterminate write, as context
    expect(html).not.toMatch(/<script|src=|href=/);
  });

  it('escapes what the history says', () => {
    const ops = history(kvModel, op(1, 'put', 'x', 0, 10, 'ok'), op(2, 'get', null, 20, 30, 'ok', '<script>x</script>'));
    const html = renderLinearizabilityHtml(checkLinearizability(ops, kvModel), kvModel, { source: 'a&b<c>.jsonl' });
    expect(html).not.toContain('<script>');
    expect(html).toContain('a&amp;b&lt;c&gt;.jsonl');
    expect(html).toContain('&lt;script&gt;');
  });

  it('for a linearizable history, states the verdict and lists the keys', () => {
    const ops = history(registerModel, op(1, 'write', 1, 0, 10, 'ok', 1, 'a'), op(2, 'read', null, 20, 30, 'ok', 1, 'a'));
    const html = renderLinearizabilityHtml(checkLinearizability(ops, registerModel), registerModel, { source: 'ok.jsonl' });
    expect(html).toContain('<span class="verdict good">linearizable</span>');
    expect(html).toContain('<td>&quot;a&quot;</td><td>2</td><td class="good">linearizable</td>');
    expect(html).not.toContain('class="timeline"');
  });
});
