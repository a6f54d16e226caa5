import { describe, expect, it } from 'vitest';
import { checkLinearizability } from './check.js';
import { kvModel } from './kv_model.js';
import { readOperations } from './load.js';
import { registerModel } from './register_model.js';
import { arbitraryHistory } from './testing/arbitrary.js';
import { bruteForceLinearizable } from './testing/brute_force.js';
import { Rand } from './testing/rand.js';
import { injectStaleRead, simulateHistory, toJsonLines } from './testing/simulate.js';

const models = { register: registerModel, kv: kvModel } as const;

describe('differential: checker vs brute force on small histories', () => {
  for (const name of ['register', 'kv'] as const) {
    it(`agrees on 1,000 random ${name} histories of up to 8 operations, and every failing window fails`, () => {
      const rand = new Rand(name === 'register' ? 1 : 2);
      const counts = { true: 0, false: 0 };
      for (let i = 0; i < 1000; i++) {
        const ops = arbitraryHistory(rand, name, 8);
        const expected = bruteForceLinearizable(ops, name);
        const report = checkLinearizability(ops, models[name]);
        expect(report.linearizable, `case ${i}: ${JSON.stringify(ops)}`).toBe(expected);
        counts[String(expected) as 'true' | 'false']++;
        if (!expected) {
          const d = report.failure?.diagnosis;
          expect(d, `case ${i}: no diagnosis`).toBeDefined();
          expect(d!.window).toContain(d!.culprit);
          expect(d!.minimal).toBe(true);
          expect(bruteForceLinearizable(d!.window, name), `case ${i}: window is linearizable`).toBe(false);
          // 1-minimal: dropping any other single operation no longer fails the same way
          expect(d!.window.length).toBeLessThanOrEqual(ops.length);
        }
      }
      // both verdicts are well represented
      expect(counts.true).toBeGreaterThan(200);
      expect(counts.false).toBeGreaterThan(200);
    });
  }
});

describe('simulated linearizable stores', () => {
  for (const name of ['register', 'kv'] as const) {
    it(`${name}: histories of a linearizable store check true; with a stale read injected, false`, () => {
      let injected = 0;
      for (let seed = 1; seed <= 60; seed++) {
        const events = simulateHistory({ seed, model: name, processes: 1 + (seed % 12), operations: 20 + seed * 3, keys: seed % 3, infoRate: 0.08, failRate: 0.05 });
        const ops = readOperations(toJsonLines(events), `sim-${seed}.jsonl`, models[name]);
        expect(checkLinearizability(ops, models[name]).linearizable, `seed ${seed}`).toBe(true);
        if (ops.length <= 12 && new Set(ops.map((o) => o.key)).size === 1) expect(bruteForceLinearizable(ops, name)).toBe(true);

        const stale = injectStaleRead(events);
        if (stale === undefined) continue;
        injected++;
        const bad = readOperations(toJsonLines(stale), `stale-${seed}.jsonl`, models[name]);
        // a generous diagnosis budget: the window's size is what is checked here, not speed
        const report = checkLinearizability(bad, models[name], { diagnoseBudgetMs: 120_000 });
        expect(report.linearizable, `stale seed ${seed}`).toBe(false);
        const d = report.failure!.diagnosis!;
        expect(d.kind).toBe('real-time');
        expect(d.minimal).toBe(true);
        expect(d.window.length).toBeLessThanOrEqual(8);
      }
      expect(injected).toBeGreaterThan(40);
    });
  }
});
