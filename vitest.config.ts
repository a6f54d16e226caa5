import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['raft/**/*.test.ts', 'bench/**/*.test.ts', 'kvstore/**/*.test.ts', 'apiserver/**/*.test.ts', 'cli/**/*.test.ts', 'jepsen-style-tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
