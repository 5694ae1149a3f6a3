// Type-level tests, checked by `npm run typecheck` (never run): the edge withObservability gives the options
// function the Worker env as the handler's fetch declares it, and rejects what that env does not have.
import { Hono } from 'hono';
import { createEdgeObservability, withObservability } from '../../src/edge.ts';

interface Env {
  readonly OTLP_ENDPOINT: string;
  readonly OTLP_TOKEN: string;
}

export const typed = withObservability(
  {
    async fetch(request: Request, env: Env): Promise<Response> {
      return new Response(`${request.url} ${env.OTLP_ENDPOINT}`);
    },
  },
  (env) => ({ endpoint: env.OTLP_ENDPOINT, headers: { authorization: env.OTLP_TOKEN } }),
);

export const missing = withObservability(
  {
    async fetch(_request: Request, _env: Env): Promise<Response> {
      return new Response('ok');
    },
  },
  // @ts-expect-error: Env has no OTLP_URL
  (env) => ({ endpoint: env.OTLP_URL }),
);

// A plain fetch handler has no env: the options function's argument is unknown.
export const plain = withObservability(
  async (_request: Request) => new Response('ok'),
  // @ts-expect-error: env is unknown
  (env) => ({ endpoint: env.OTLP_ENDPOINT }),
);

// The factory takes the env type explicitly.
export const factory = createEdgeObservability((env: Env) => ({ endpoint: env.OTLP_ENDPOINT }));

// A Hono app as the Worker: its `fetch` takes `Bindings | {}`, optional; the options function gets `Bindings`.
const app = new Hono<{ Bindings: Env }>();
export const honoApp = withObservability(app, (env) => ({ endpoint: env.OTLP_ENDPOINT }));
export const honoFetch = withObservability({ fetch: app.fetch }, (env) => ({ endpoint: env.OTLP_ENDPOINT }));
// @ts-expect-error: Hono's Bindings have no OTLP_URL
export const honoMissing = withObservability(app, (env) => ({ endpoint: env.OTLP_URL }));

// An object literal's methods get their parameter types from withObservability: `request` is a Request,
// `ctx` has waitUntil, `env` is what the user annotates; nothing is implicitly any.
export const inferred = withObservability(
  {
    async fetch(request, env: Env, ctx) {
      ctx.waitUntil(Promise.resolve());
      return new Response(`${new URL(request.url).pathname} ${env.OTLP_ENDPOINT}`);
    },
    async scheduled(controller, env: Env) {
      console.log(controller.cron, env.OTLP_TOKEN);
    },
    async queue(batch) {
      console.log(batch.messages.length);
    },
  },
  (env) => ({ endpoint: env.OTLP_ENDPOINT }),
);

export const inferredWrongUse = withObservability({
  async fetch(request) {
    // @ts-expect-error: request is a Request, not a number
    const n: number = request;
    return new Response(String(n));
  },
});
