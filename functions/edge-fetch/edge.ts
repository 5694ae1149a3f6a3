import { withObservability } from '../../src/edge.ts';

/**
 * A plain fetch handler for Deno.serve, Vercel Edge or Netlify Edge:
 *   Deno:   Deno.serve(handler)
 *   Vercel: export const GET = handler (app/api/hello/route.ts, runtime = 'edge')
 */
export const handler = withObservability(
  async (request: Request) => {
    const name = new URL(request.url).searchParams.get('name') ?? 'world';
    console.log('greeting %s', name);
    return new Response(`hello ${name}\n`, { headers: { 'content-type': 'text/plain' } });
  },
  { serviceName: 'edge-fetch' },
);

export default handler;
