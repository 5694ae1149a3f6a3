import { withObservability } from '../../src/edge.ts';

interface Env {
  readonly OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  readonly OTLP_TOKEN?: string;
}
interface Ctx {
  waitUntil(promise: Promise<unknown>): void;
}

/** A Cloudflare Worker (module syntax): fetch with background work through waitUntil, and a Cron Trigger. */
export default withObservability(
  {
    async fetch(request: Request, _env: Env, ctx: Ctx): Promise<Response> {
      const url = new URL(request.url);
      console.log('serving %s', url.pathname);
      ctx.waitUntil(Promise.resolve().then(() => console.log('recorded a page view', { path: url.pathname })));
      if (url.pathname === '/fail') return new Response('upstream unavailable', { status: 503 });
      return Response.json({ path: url.pathname, id: url.searchParams.get('id') });
    },
    async scheduled(controller: { cron: string }) {
      console.log('cleanup run for %s', controller.cron);
    },
  },
  // `env` is the `Env` of `fetch`: withObservability infers it from the handler.
  (env) => ({
    serviceName: 'edge-worker',
    headers: env.OTLP_TOKEN ? { authorization: `Bearer ${env.OTLP_TOKEN}` } : undefined,
    route: (request: Request) => (new URL(request.url).pathname.startsWith('/items') ? '/items' : undefined),
  }),
);
