import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScript } from './testing/interaction.js';

/**
 * Runs every script in raft/testdata and compares its output with the golden copy in the file.
 * REWRITE=1 writes the actual output back instead (see raft/testing/interaction.ts).
 */
const dir = join(fileURLToPath(new URL('.', import.meta.url)), 'testdata');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort();

describe('interaction scripts', () => {
  it('there are scripts to run', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  for (const file of files) {
    it(file, () => {
      const path = join(dir, file);
      const expected = readFileSync(path, 'utf8');
      const actual = runScript(expected);
      if (process.env['REWRITE'] === '1') writeFileSync(path, actual);
      else expect(actual).toBe(expected);
    });
  }
});
