import { ANOMALY_EXPLANATIONS, type LinearizabilityReport, type Model } from '../checkers/linearizability/index.js';
import { isIndeterminate, type Operation } from '../history/index.js';

/**
 * A self-contained HTML page for a linearizability verdict. When the history is not linearizable,
 * it draws the failing window as a timeline: one row per process, one bar per operation from its
 * invocation to its completion (indeterminate operations fade out to the right edge), the culprit
 * outlined in red, each bar numbered with its place in the linearization of the others, details on
 * hover. Operations of the same key around the window can be shown for context. No scripts, no
 * external resources: the file can be attached to a bug report as is.
 */

export interface HtmlReportOptions {
  /** The history's file name, for the title. */
  readonly source: string;
  /** At most this many context operations around the window (default 300). */
  readonly maxContextOperations?: number;
}

const ROW_PX = 30;

export function renderLinearizabilityHtml(report: LinearizabilityReport, model: Model, options: HtmlReportOptions): string {
  const verdict = report.linearizable === true ? 'linearizable' : report.linearizable === false ? 'not linearizable' : 'unknown';
  const verdictClass = report.linearizable === true ? 'good' : report.linearizable === false ? 'bad' : 'unknown';
  const parts: string[] = [];
  parts.push(`<h1>${esc(options.source)} <span class="verdict ${verdictClass}">${verdict}</span></h1>`);
  parts.push(
    `<p class="meta">model <b>${esc(report.model)}</b> · ${report.operations} operations · ${report.partitions.length} of ${report.partitionsTotal} keys checked · ${formatMs(report.elapsedMs)}` +
      (report.unknownReason === undefined ? '' : ` · stopped: ${esc(report.unknownReason)}`) +
      '</p>',
  );
  const failure = report.failure;
  const diagnosis = failure?.diagnosis;
  if (failure !== undefined && diagnosis !== undefined) {
    parts.push(renderFailure(report, model, options));
  } else if (failure !== undefined) {
    parts.push(`<p>Key ${esc(keyName(failure.key))} is not linearizable; no window was found within the diagnosis budget.</p>`);
  }
  parts.push(renderPartitions(report));
  return page(`${options.source}: ${verdict}`, parts.join('\n'));
}

function renderFailure(report: LinearizabilityReport, model: Model, options: HtmlReportOptions): string {
  const failure = report.failure!;
  const d = failure.diagnosis!;
  const recorded = new Map(failure.operations.map((op) => [op.id, op]));
  const windowIds = new Set(d.window.map((op) => op.id));
  const order = new Map<number, { position: number; stateAfter: string }>();
  d.linearization.forEach((step, i) => order.set(step.op.id, { position: i + 1, stateAfter: step.stateAfter }));

  // The window, and context: other operations of the key in the same period.
  const startNs = Math.min(...d.window.map((op) => op.invokeNs));
  const endNs = Math.max(...d.window.map((op) => (isIndeterminate(op) ? op.invokeNs : (op.completeNs ?? op.invokeNs))));
  const maxContext = options.maxContextOperations ?? 300;
  const context = failure.operations
    .filter((op) => !windowIds.has(op.id) && op.invokeNs <= endNs && (isIndeterminate(op) || (op.completeNs ?? Infinity) >= startNs))
    .sort((a, b) => Math.abs(a.invokeNs - endNs) - Math.abs(b.invokeNs - endNs))
    .slice(0, maxContext);
  const shown = [...d.window.map((op) => ({ op, inWindow: true })), ...context.map((op) => ({ op, inWindow: false }))];

  // Rows: the window's processes first, then those that only context operations use.
  const windowProcesses = new Set(d.window.map((op) => op.process));
  const byNumber = (a: number, b: number): number => a - b;
  const processes = [...[...windowProcesses].sort(byNumber), ...[...new Set(context.map((op) => op.process))].filter((p) => !windowProcesses.has(p)).sort(byNumber)];
  const rowOf = new Map(processes.map((p, i) => [p, i]));

  // The axis is ordinal, as in porcupine's visualization: the distinct event times of the window,
  // evenly spaced, so that operations microseconds apart and seconds apart both stay readable.
  // Context operations are placed between them by time.
  const times = [...new Set(d.window.flatMap((op) => (isIndeterminate(op) ? [op.invokeNs] : [op.invokeNs, op.completeNs ?? op.invokeNs])))].sort(byNumber);
  const last = times.length - 1;
  const x = (ns: number): number => {
    if (ns <= times[0]!) return last === 0 && ns > times[0]! ? 96 : 2;
    if (ns > times[last]!) return 96;
    const hi = times.findIndex((t) => t >= ns);
    const fraction = (ns - times[hi - 1]!) / (times[hi]! - times[hi - 1]!);
    return 2 + (90 * (hi - 1 + fraction)) / last;
  };

  const bars = shown.map(({ op, inWindow }) => {
    const original = recorded.get(op.id) ?? op;
    const open = isIndeterminate(op);
    const left = x(op.invokeNs);
    const right = open ? 100 : x(op.completeNs ?? Infinity);
    const lin = order.get(op.id);
    const classes = ['op', outcomeClass(op), inWindow ? 'win' : 'ctx', op.id === d.culprit.id ? 'culprit' : '', windowProcesses.has(op.process) ? '' : 'ctxrow', left > 55 ? 'tip-left' : '']
      .filter(Boolean)
      .join(' ');
    const tip = [
      `<b>${esc(model.describe(original))}</b>`,
      `process ${op.process}${op.key === undefined ? '' : ` · key ${esc(keyName(op.key))}`}`,
      `invoked ${formatNs(op.invokeNs - startNs)} (line ${op.invokeLine})`,
      original.completeNs === undefined
        ? 'never completed'
        : `${original.outcome} ${formatNs(original.completeNs - startNs)} (line ${original.completeLine ?? '?'})${isIndeterminate(original) ? ': may take effect at any time after its invocation' : ''}`,
      op.outcome === 'pending' && original.outcome !== 'pending' ? 'completes after the culprit: counted as pending in the window' : '',
      lin === undefined ? (inWindow && op.id !== d.culprit.id ? 'left out of the linearization' : '') : `linearized #${lin.position}, then the value is ${esc(lin.stateAfter)}`,
      op.id === d.culprit.id ? '<span class="bad">no linearization of the window gives this result</span>' : '',
    ]
      .filter(Boolean)
      .join('<br>');
    return (
      `<div class="${classes}" style="top:${rowOf.get(op.process)! * ROW_PX + 4}px;left:${left.toFixed(3)}%;width:${Math.max(0.15, right - left).toFixed(3)}%">` +
      `${lin === undefined ? '' : `<i>${lin.position}</i>`}<span>${esc(model.describe(original))}</span><div class="tip">${tip}</div></div>`
    );
  });
  const labels = processes.map(
    (p, i) => `<div class="label${windowProcesses.has(p) ? '' : ' ctxrow'}" style="top:${i * ROW_PX + 4}px">process ${p}</div>`,
  );
  const labelEvery = Math.ceil(times.length / 16);
  const ticks = times.map(
    (ns, i) => `<div class="tick" style="left:${x(ns).toFixed(3)}%">${i % labelEvery === 0 ? `<span>${esc(formatNs(ns - startNs))}</span>` : ''}</div>`,
  );
  const windowRows = windowProcesses.size;
  const kindText = ANOMALY_EXPLANATIONS[d.kind];

  const rows = [...d.window]
    .sort((a, b) => a.invokeNs - b.invokeNs)
    .map((op) => {
      const original = recorded.get(op.id) ?? op;
      const lin = order.get(op.id);
      return `<tr class="${op.id === d.culprit.id ? 'culprit-row' : ''}"><td>${lin?.position ?? ''}</td><td>${op.process}</td><td>${esc(model.describe(original))}</td><td>${formatNs(op.invokeNs - startNs)}</td><td>${original.completeNs === undefined ? '—' : formatNs(original.completeNs - startNs)}</td><td>${op.invokeLine}${original.completeLine === undefined ? '' : `–${original.completeLine}`}</td><td>${lin === undefined ? '' : esc(lin.stateAfter)}</td></tr>`;
    });

  return `
<section>
<h2>Key ${esc(keyName(failure.key))}: the history stops being linearizable when this operation completes</h2>
<p class="culprit-text">process ${d.culprit.process}: <b>${esc(model.describe(recorded.get(d.culprit.id) ?? d.culprit))}</b> (lines ${d.culprit.invokeLine}–${d.culprit.completeLine ?? '?'})</p>
<p>${esc(kindText)} The window below has ${d.window.length} operation${d.window.length === 1 ? '' : 's'}, out of the ${d.prefixOperations} of this key that bear on the verdict up to that point. It keeps every operation that could have produced the culprit's result${d.minimal ? ', and no other operation in it can be left out without losing the anomaly' : ' (the diagnosis budget ran out before the rest was fully minimized)'}. Numbers on the bars give the order in which the other operations linearize.</p>
<input type="checkbox" id="ctx"><label for="ctx"> show ${context.length} other operation${context.length === 1 ? '' : 's'} of this key in the same period</label>
<div class="legend"><span class="op ok win">ok</span><span class="op fail win">failed (a cas that did not match)</span><span class="op open win">indeterminate</span><span class="op ok win culprit">culprit</span></div>
<div class="timeline" style="--rows:${processes.length};--winrows:${windowRows}">
<div class="labels">${labels.join('')}</div>
<div class="lanes">${ticks.join('')}${bars.join('')}</div>
</div>
<h3>The window</h3>
<table><thead><tr><th>#</th><th>process</th><th>operation</th><th>invoked</th><th>completed</th><th>lines</th><th>value after</th></tr></thead><tbody>${rows.join('')}</tbody></table>
</section>`;
}

function renderPartitions(report: LinearizabilityReport): string {
  if (report.partitions.length === 0) return '';
  const rows = report.partitions.map(
    (p) =>
      `<tr><td>${esc(keyName(p.key))}</td><td>${p.operations}</td><td class="${p.verdict === true ? 'good' : p.verdict === false ? 'bad' : 'unknown'}">${p.verdict === true ? 'linearizable' : p.verdict === false ? 'not linearizable' : `unknown (${p.unknownReason ?? ''})`}</td><td>${formatMs(p.elapsedMs)}</td><td>${p.steps}</td><td>${p.cacheEntries}</td></tr>`,
  );
  return `<h3>Keys</h3><table><thead><tr><th>key</th><th>operations</th><th>verdict</th><th>time</th><th>search steps</th><th>configurations</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function outcomeClass(op: Operation): string {
  return isIndeterminate(op) ? 'open' : op.outcome === 'fail' ? 'fail' : 'ok';
}

function keyName(key: string | undefined): string {
  return key === undefined ? '(no key)' : JSON.stringify(key);
}

function formatNs(ns: number): string {
  const abs = Math.abs(ns);
  if (abs >= 1e9) return `${(ns / 1e9).toFixed(3)} s`;
  if (abs >= 1e6) return `${(ns / 1e6).toFixed(3)} ms`;
  if (abs >= 1e3) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${ns} ns`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px;color:#1d2329;background:#fff}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:20px 0 6px} h3{font-size:14px;margin:18px 0 6px}
.meta{color:#5b6570;margin:0 0 12px}
.verdict{font-size:13px;padding:2px 8px;border-radius:10px;vertical-align:middle;color:#fff}
.verdict.good{background:#2e7d32;color:#fff}.verdict.bad{background:#c62828;color:#fff}.verdict.unknown{background:#8d6e00;color:#fff}
td.good{color:#2e7d32}td.bad,p .bad{color:#c62828}td.unknown{color:#8d6e00}
.culprit-text{font-size:15px}
.legend{margin:8px 0 6px;display:flex;gap:8px}
.legend .op{position:static;display:inline-block;height:20px;padding:0 8px;line-height:20px;width:auto}
.timeline{display:flex;border:1px solid #d6dbe0;border-radius:6px;overflow:visible;margin-top:6px}
.labels{position:relative;width:92px;flex:none;border-right:1px solid #d6dbe0;height:calc(var(--winrows) * ${ROW_PX}px + 24px);background:#f6f8fa}
.lanes{position:relative;flex:1;height:calc(var(--winrows) * ${ROW_PX}px + 24px);background:repeating-linear-gradient(#fff 0 ${ROW_PX}px,#fafbfc ${ROW_PX}px ${ROW_PX * 2}px)}
#ctx:checked ~ .timeline .labels,#ctx:checked ~ .timeline .lanes{height:calc(var(--rows) * ${ROW_PX}px + 24px)}
.label{position:absolute;left:8px;height:22px;line-height:22px;font-size:12px;color:#5b6570}
.ctx,.ctxrow{display:none}
#ctx:checked ~ .timeline .ctx,#ctx:checked ~ .timeline .ctxrow{display:block}
.tick{position:absolute;top:0;bottom:0;border-left:1px dashed #e1e5e9}
.tick span{position:absolute;bottom:2px;left:3px;font-size:11px;color:#8a949e;white-space:nowrap}
.op{position:absolute;min-width:6px;height:22px;box-sizing:border-box;border-radius:4px;font-size:12px;line-height:20px;white-space:nowrap;cursor:default;border:1px solid}
.op>span{display:block;overflow:hidden;text-overflow:ellipsis;padding:0 4px}
.op>i{position:absolute;left:-1px;top:-9px;font-style:normal;font-size:10px;line-height:12px;background:#1d2329;color:#fff;border-radius:6px;padding:0 4px}
.op.ok{background:#dbe9fb;border-color:#5b8fd4}
.op.fail{background:#fde7cf;border-color:#e08a2c}
.op.open{background:linear-gradient(90deg,#e3e6ea 60%,rgba(227,230,234,0));border-color:#aab2bb;border-right:none;border-style:dashed}
.op.ctx{opacity:.45}
.op.culprit{border:2px solid #c62828;box-shadow:0 0 0 3px rgba(198,40,40,.25);background:#fbdada;z-index:2}
.op .tip{display:none;position:absolute;top:26px;left:0;z-index:10;background:#1d2329;color:#fff;padding:6px 8px;border-radius:5px;white-space:normal;width:max-content;max-width:420px;line-height:1.4;font-size:12px}
.op.tip-left .tip{left:auto;right:0}
.op .tip .bad{color:#ff8a80}
.op:hover{z-index:5}.op:hover .tip{display:block}
table{border-collapse:collapse;font-size:13px}
th,td{border-bottom:1px solid #e1e5e9;padding:3px 10px;text-align:left}
th{background:#f6f8fa}
tr.culprit-row td{background:#fbdada}
</style></head>
<body>
${body}
</body></html>
`;
}
