import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Miniflare } from 'miniflare';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConsumerProject, recipe, type ConsumerProject } from '../helpers/consumer-project.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { waitFor } from './edge-assertions.ts';

// docs/bundling.md, "Cloudflare Workers": its command, exactly as the page shows it, run in a fresh project
// with the library installed as the package holds it; the bundle then runs in real workerd (Miniflare), with
// and without nodejs_compat (docs/edge.md says what each gives), named by the env binding or not.

const WORKER = `import { withObservability } from 'faas-observability/edge';

export default withObservability({
  async fetch(request: Request): Promise<Response> {
    console.log('hello', new URL(request.url).pathname);
    await new Promise((resolve) => setTimeout(resolve, 1));
    return new Response('ok');
  },
});
`;

let project: ConsumerProject;
let bundle: string;
let receiver: OtlpReceiver;
let mf: Miniflare | undefined;
beforeAll(async () => {
  project = createConsumerProject({ type: 'module' });
  project.write('src/worker.ts', WORKER);
  project.run(recipe(readFileSync('docs/bundling.md', 'utf8'), 'workers'));
  bundle = readFileSync(join(project.dir, 'dist/worker.mjs'), 'utf8');
  receiver = await startOtlpReceiver();
}, 120_000);
afterEach(async () => {
  await mf?.dispose();
  mf = undefined;
});
afterAll(async () => {
  await receiver?.close();
  project?.remove();
});

/** The bundle in workerd, its modules given as wrangler gives them (a list, not a script to walk); stderr kept. */
async function start(flags: string[], bindings: Record<string, string>): Promise<string[]> {
  const stderr: string[] = [];
  mf = new Miniflare({
    modules: [{ type: 'ESModule', path: 'worker.mjs', contents: bundle }],
    compatibilityDate: '2025-09-01',
    compatibilityFlags: flags,
    bindings: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...bindings },
    handleRuntimeStdio: (_out: Readable, err: Readable) => err.on('data', (chunk: Buffer) => stderr.push(...String(chunk).split('\n'))),
  });
  await mf.ready;
  return stderr;
}

/** One request to the Worker: its answer, and its span once exported. */
async function request(path: string) {
  const response = await mf!.dispatchFetch(`https://orders.example.workers.dev${path}`);
  const text = await response.text();
  await waitFor(() => receiver.spans.some((s) => s.attributes['url.path'] === path));
  return { status: response.status, text, span: receiver.spans.find((s) => s.attributes['url.path'] === path)! };
}

describe('the Workers bundling recipe of docs/bundling.md, in real workerd', () => {
  it('with nodejs_compat and OTEL_SERVICE_NAME in the env binding: served, its span and log exported under that name, no warning', async () => {
    const stderr = await start(['nodejs_compat'], { OTEL_SERVICE_NAME: 'orders-worker' });
    const { status, span } = await request('/named');
    expect(status).toBe(200);
    expect(span.resource).toMatchObject({ 'service.name': 'orders-worker', 'cloud.platform': 'cloudflare_workers' });
    // The log after the await kept its trace: AsyncLocalStorage is there.
    await waitFor(() => receiver.logs.some((l) => l.body === 'hello /named'));
    expect(receiver.logs.find((l) => l.body === 'hello /named')?.spanId).toBe(span.spanId);
    expect(stderr.filter((line) => line.includes('[faas-observability]'))).toEqual([]);
  });

  it('with no service name: unknown_service:cloudflare_workers, and one warning saying how to set it', async () => {
    const stderr = await start(['nodejs_compat'], {});
    const { span } = await request('/unnamed');
    expect(span.resource['service.name']).toBe('unknown_service:cloudflare_workers');
    expect(stderr.filter((line) => line.includes('service.name is'))).toEqual([
      expect.stringMatching(/unknown_service:cloudflare_workers: name the service with OTEL_SERVICE_NAME .* or the serviceName option/),
    ]);
  });

  it('without nodejs_compat workerd still loads it: the warning, the request served, its span exported', async () => {
    const stderr = await start([], { OTEL_SERVICE_NAME: 'orders-worker' });
    const { status, text, span } = await request('/no-compat');
    expect([status, text]).toEqual([200, 'ok']);
    expect(span.resource['service.name']).toBe('orders-worker');
    expect(stderr.filter((line) => line.includes('[faas-observability]'))).toEqual([
      expect.stringContaining('no AsyncLocalStorage in this runtime'),
    ]);
  });

  it('without nodejs_compat, Miniflare given the bundle as a scriptPath (it walks the imports) refuses it', async () => {
    const scriptPath = join(project.dir, 'dist/worker.mjs');
    const walked = new Miniflare({ modules: true, scriptPath, compatibilityDate: '2025-09-01' });
    await expect(walked.ready).rejects.toThrow(/Unable to resolve ".*worker\.mjs" dependency "node:async_hooks": no matching module rules/);
    await walked.dispose().catch(() => undefined);
  });
});
