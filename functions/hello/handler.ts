import { withObservability } from '../../src/lambda.ts';

/** The smallest useful wrapped handler: an HTTP response and two correlated log lines. */
export const handler = withObservability(async (event: { rawPath?: string }) => {
  console.log('request for %s', event.rawPath ?? '/');
  console.info('done', { items: 3 });
  return { statusCode: 200, body: JSON.stringify({ ok: true }) };
});
