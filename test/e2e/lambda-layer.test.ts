import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUNTIMES } from '../helpers/runtimes.ts';
import {
  exportsBeforeResponse,
  initError,
  runFunction,
  taskRootOf,
  unpackedLayer,
  type LayerRun,
  type UnpackedLayer,
} from '../helpers/lambda-layer.ts';

// The Lambda layer as Lambda runs it (docs/lambda-layer.md): the zip unpacked into a folder standing for
// /opt, AWS_LAMBDA_EXEC_WRAPPER pointing at its wrapper, and an unmodified function of each shape, under the
// Runtime API emulator (frozen at every /next) with our bootstrap and with the real aws-lambda-ric. The
// same function runs without the layer first: the layer must not change what it answers.

let layer: UnpackedLayer;
beforeAll(async () => {
  layer = await unpackedLayer();
}, 120_000);

interface Shape {
  readonly fixture: string;
  readonly handler: string;
  readonly bundle?: boolean;
  readonly streaming?: boolean;
  readonly callback?: boolean;
}

const SHAPES: [string, Shape][] = [
  ['an ES module (.mjs)', { fixture: 'esm', handler: 'index.handler' }],
  ['CommonJS in .js', { fixture: 'cjs-js', handler: 'index.handler' }],
  ['CommonJS in .cjs', { fixture: 'cjs', handler: 'index.handler' }],
  ['a "type": "module" package (.js)', { fixture: 'module-pkg', handler: 'index.handler' }],
  ['a nested path (src/api/app.handler)', { fixture: 'nested', handler: 'src/api/app.handler' }],
  ['one file bundled by esbuild', { fixture: 'bundled', handler: 'index.handler', bundle: true }],
  ['a response-streaming handler', { fixture: 'streaming', handler: 'index.handler', streaming: true }],
  ['a callback-style handler', { fixture: 'callback', handler: 'index.handler', callback: true }],
];

/** One span per invocation with the FaaS attributes, and each invocation's console line correlated to it. */
function expectObserved(run: LayerRun): void {
  expect(run.results.map((r) => r.status)).toEqual(run.results.map(() => 'success'));
  for (const [i, result] of run.results.entries()) {
    const spans = run.spans.filter((s) => s.attributes['faas.invocation_id'] === result.requestId);
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(span.attributes['faas.coldstart']).toBe(i === 0);
    expect(span.resource['faas.name']).toBe('layered');
    expect(span.resource['cloud.provider']).toBe('aws');
    const lines = run.logs.filter((l) => l.body === `handling ${result.requestId}`);
    expect(lines).toHaveLength(1);
    expect([lines[0]!.traceId, lines[0]!.spanId]).toEqual([span.traceId, span.spanId]);
  }
  // Sent after each response (the post-response flush through the extension the layer registered).
  expect(run.lambda.extensions.registrations).toEqual(['200']);
  expect(exportsBeforeResponse(run)).toEqual(run.results.map(() => 0));
}

describe.each(RUNTIMES)('the layer under %s', (runtimeName, runtime) => {
  const ric = runtimeName === 'aws-lambda-ric';

  it.each(SHAPES)(
    '%s: a span and correlated logs before the freeze, the response unchanged',
    async (_name, shape) => {
      const taskRoot = await taskRootOf(shape.fixture, shape.bundle);
      const bare = await runFunction({ taskRoot, handler: shape.handler, runtime });
      const layered = await runFunction({ taskRoot, handler: shape.handler, runtime, layer });
      if (ric && shape.callback) {
        // aws-lambda-ric 4 refuses callback-style handlers at init: the layer keeps the arity, so the same refusal.
        expect(bare.results[0]!.status).toBe('init-error');
        expect(layered.results[0]!.status).toBe('init-error');
        expect(initError(layered.results[0]!)).toEqual(initError(bare.results[0]!));
        expect(initError(layered.results[0]!).errorType).toBe('Runtime.CallbackHandlerDeprecated');
        return;
      }
      expect(bare.spans).toEqual([]);
      expect(layered.results.map((r) => r.payload)).toEqual(bare.results.map((r) => r.payload));
      expectObserved(layered);
    },
    60_000,
  );

  // Against the real runtime client's own errors (our bootstrap reports its own).
  it.skipIf(!ric).each([
    ['a missing export', 'index.nothing'],
    ['a missing module', 'missing.handler'],
    ['a malformed name', 'index'],
    ['a relative root', '../index.handler'],
    ['a value that is not a function', 'index.notAFunction'],
    ['a syntax error', 'broken.handler'],
    ['an error thrown at init', 'throws.handler'],
  ])(
    'a wrong handler (%s) fails the init with the same error type and message as without the layer',
    async (_name, handler) => {
      const taskRoot = await taskRootOf('esm');
      writeFileSync(join(taskRoot, 'broken.mjs'), 'export const handler = (;');
      writeFileSync(join(taskRoot, 'throws.mjs'), "throw new TypeError('init failed');");
      const bare = await runFunction({ taskRoot, handler, runtime, count: 1 });
      const layered = await runFunction({ taskRoot, handler, runtime, layer, count: 1 });
      expect(bare.results[0]!.status).toBe('init-error');
      expect(layered.results[0]!.status).toBe('init-error');
      expect(initError(layered.results[0]!)).toEqual(initError(bare.results[0]!));
    },
    60_000,
  );

  it('a function that wraps itself with its own bundled copy: one span per invocation, no duplicate log records', async () => {
    const taskRoot = await taskRootOf('wrapped', true);
    const layered = await runFunction({ taskRoot, handler: 'index.handler', runtime, layer });
    expectObserved(layered);
    expect(layered.spans).toHaveLength(layered.results.length);
    // One extension for both copies; each line once (the init capture of the layer's copy hands nothing twice).
    expect(layered.lambda.extensions.count).toBe(1);
    const bodies = layered.logs.map((l) => String(l.body));
    expect(bodies).toEqual([...new Set(bodies)]);
  }, 60_000);
});
