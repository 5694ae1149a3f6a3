import { defineConfig } from 'vitest/config';

// One project per tier and per real runtime: `npm test` runs them all; `vitest run --project edge-deno`
// runs one. The console bridge patches the global console, so every file runs in its own forked worker.
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 15_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'] } },
      { extends: true, test: { name: 'lambda-e2e', include: ['test/e2e/**/*.test.ts'] } },
      { extends: true, test: { name: 'edge-workerd', include: ['test/edge/workerd*.test.ts'] } },
      { extends: true, test: { name: 'edge-deno', include: ['test/edge/deno.test.ts'] } },
      { extends: true, test: { name: 'edge-vercel', include: ['test/edge/vercel-edge.test.ts'] } },
    ],
  },
});
