/**
 * The run report: one self-contained HTML page (inline SVG, no scripts from anywhere) with the
 * verdicts, latency over time (a point per operation, by type and outcome, nemesis windows
 * shaded) and throughput over time.
 */

export interface ReportOperation {
  readonly f: string;
  readonly outcome: 'ok' | 'fail' | 'info' | 'pending';
  readonly invokeNs: number;
  readonly completeNs: number | undefined;
}

export interface ReportWindow {
  readonly kind: string;
  readonly targets: readonly string[];
  readonly startNs: number;
  readonly endNs?: number;
}

export interface ReportInput {
  readonly title: string;
  readonly verdicts: ReadonlyArray<{ readonly checker: string; readonly valid: boolean | 'unknown'; readonly detail?: string }>;
  readonly operations: readonly ReportOperation[];
  readonly windows: readonly ReportWindow[];
  /** Examples of what the checkers found, listed under the verdicts. */
  readonly anomalies?: ReadonlyArray<{ readonly checker: string; readonly kind: string; readonly detail: string; readonly lines?: readonly number[] }>;
}

const W = 1000;
const H = 300;
const PAD = 50;
const COLORS: Record<string, string> = {
  read: '#2b7bb9',
  write: '#d9822b',
  cas: '#7a3db8',
  get: '#2b7bb9',
  put: '#d9822b',
  append: '#3aa655',
  delete: '#b8860b',
  txn: '#7a3db8',
  add: '#3aa655',
  'final-read': '#1a4f7a',
  acquire: '#c03b8a',
  'fenced-write': '#d9822b',
  release: '#5a8a2b',
};
const OUTCOME_OPACITY: Record<string, number> = { ok: 0.7, fail: 0.35, info: 1, pending: 1 };

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

export function renderReport(r: ReportInput): string {
  const ops = r.operations.filter((o) => o.completeNs !== undefined);
  const endNs = Math.max(1, ...r.operations.map((o) => o.completeNs ?? o.invokeNs), ...r.windows.map((w) => w.endNs ?? w.startNs));
  const x = (ns: number): number => PAD + ((W - 2 * PAD) * ns) / endNs;
  const maxLatMs = Math.max(1, ...ops.map((o) => ((o.completeNs as number) - o.invokeNs) / 1e6));
  // Latency on a log scale: from 0.1 ms to the slowest operation.
  const logMin = Math.log10(0.1);
  const logMax = Math.log10(Math.max(maxLatMs, 1));
  const y = (ms: number): number => H - PAD - ((H - 2 * PAD) * (Math.log10(Math.max(ms, 0.1)) - logMin)) / (logMax - logMin || 1);

  const shade = r.windows
    .map(
      (w) =>
        `<rect x="${x(w.startNs).toFixed(1)}" y="${PAD}" width="${Math.max(1, x(w.endNs ?? endNs) - x(w.startNs)).toFixed(1)}" height="${H - 2 * PAD}" fill="#e33" opacity="0.12"><title>${esc(`${w.kind} ${w.targets.join(',')}`)}</title></rect>` +
        `<text x="${(x(w.startNs) + 2).toFixed(1)}" y="${PAD - 4}" font-size="10" fill="#a22">${esc(w.kind)}</text>`,
    )
    .join('');
  const points = ops
    .map((o) => {
      const lat = ((o.completeNs as number) - o.invokeNs) / 1e6;
      const color = COLORS[o.f] ?? '#555';
      const shape =
        o.outcome === 'info'
          ? `<rect x="${(x(o.invokeNs) - 2).toFixed(1)}" y="${(y(lat) - 2).toFixed(1)}" width="4" height="4" fill="#e33"/>`
          : `<circle cx="${x(o.invokeNs).toFixed(1)}" cy="${y(lat).toFixed(1)}" r="1.6" fill="${color}" opacity="${OUTCOME_OPACITY[o.outcome]}"/>`;
      return shape;
    })
    .join('');
  const yTicks = [0.1, 1, 10, 100, 1000, 10000]
    .filter((ms) => ms <= maxLatMs * 1.01 || ms === 0.1)
    .map((ms) => `<line x1="${PAD}" x2="${W - PAD}" y1="${y(ms)}" y2="${y(ms)}" stroke="#ddd"/><text x="4" y="${y(ms) + 3}" font-size="10">${ms} ms</text>`)
    .join('');

  // Throughput: completed operations per second, by outcome.
  const seconds = Math.ceil(endNs / 1e9);
  const perSecond = Array.from({ length: seconds }, () => ({ ok: 0, other: 0 }));
  for (const o of ops) {
    const s = perSecond[Math.min(seconds - 1, Math.floor((o.completeNs as number) / 1e9))];
    if (s === undefined) continue;
    if (o.outcome === 'ok') s.ok++;
    else s.other++;
  }
  const maxRate = Math.max(1, ...perSecond.map((s) => s.ok + s.other));
  const bw = (W - 2 * PAD) / seconds;
  const bars = perSecond
    .map((s, i) => {
      const hOk = ((H - 2 * PAD) * s.ok) / maxRate;
      const hOther = ((H - 2 * PAD) * s.other) / maxRate;
      const bx = PAD + i * bw;
      return (
        `<rect x="${bx.toFixed(1)}" y="${(H - PAD - hOk).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${hOk.toFixed(1)}" fill="#3aa655"><title>${i}s: ${s.ok} ok, ${s.other} fail/info</title></rect>` +
        `<rect x="${bx.toFixed(1)}" y="${(H - PAD - hOk - hOther).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${hOther.toFixed(1)}" fill="#e33"/>`
      );
    })
    .join('');

  const verdicts = r.verdicts
    .map((v) => `<tr><td>${esc(v.checker)}</td><td class="${v.valid === true ? 'ok' : v.valid === false ? 'bad' : 'unk'}">${v.valid === true ? 'valid' : v.valid === false ? 'INVALID' : 'unknown'}</td><td>${esc(v.detail ?? '')}</td></tr>`)
    .join('');
  const anomalyRows = (r.anomalies ?? [])
    .map((a) => `<tr><td>${esc(a.checker)}</td><td>${esc(a.kind)}</td><td>${esc(a.detail)}</td><td>${esc((a.lines ?? []).join(', '))}</td></tr>`)
    .join('');
  const anomalies =
    anomalyRows === '' ? '' : `<h2>Anomalies (examples)</h2><table><tr><th>checker</th><th>kind</th><th>what</th><th>history lines</th></tr>${anomalyRows}</table>`;
  const legend = Object.entries(COLORS)
    .filter(([f]) => ops.some((o) => o.f === f))
    .map(([f, c]) => `<span style="color:${c}">● ${f}</span>`)
    .join(' ');

  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:20px;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}.ok{color:#2a2;font-weight:bold}.bad{color:#c22;font-weight:bold}.unk{color:#a80;font-weight:bold}svg{background:#fafafa;border:1px solid #ddd}</style></head>
<body><h1>${esc(r.title)}</h1>
<table><tr><th>checker</th><th>verdict</th><th>detail</th></tr>${verdicts}</table>
${anomalies}
<p>${ops.length} operations completed, ${r.operations.length - ops.length} never completed; ${r.windows.length} nemesis windows (shaded).</p>
<h2>Latency over time</h2><p>${legend} <span style="color:#e33">■ unknown outcome (info)</span>; faded points failed</p>
<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${shade}${yTicks}${points}<text x="${W / 2}" y="${H - 10}" font-size="11">time (s), ${seconds} s in all</text></svg>
<h2>Throughput over time</h2><p>completed operations per second: green ok, red failed or unknown</p>
<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${shade}${bars}<text x="4" y="${PAD}" font-size="10">${maxRate}/s</text></svg>
</body></html>`;
}
