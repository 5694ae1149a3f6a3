import { basename } from 'node:path';
import { Miniflare } from 'miniflare';
import { buildEdgeBundle } from '../../tools/build-artifacts.ts';

/**
 * A fixture Worker (test/edge/fixtures/<fixture>) bundled as users deploy it, running in real workerd with
 * `nodejs_compat`, ready to take requests.
 *
 * @example
 * const mf = await startBundledWorker('metrics-worker.ts', { OTLP_ENDPOINT: receiver.url });
 */
export async function startBundledWorker(fixture: string, bindings: Record<string, string>): Promise<Miniflare> {
  const { code } = await buildEdgeBundle(`test/edge/fixtures/${fixture}`, `.cache/edge/${basename(fixture, '.ts')}.mjs`);
  const mf = new Miniflare({
    modules: true,
    script: code,
    compatibilityDate: '2025-09-01',
    compatibilityFlags: ['nodejs_compat'],
    bindings,
  });
  await mf.ready;
  return mf;
}
