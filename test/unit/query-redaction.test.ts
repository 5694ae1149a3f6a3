import { afterEach, describe, expect, it } from 'vitest';
import { propagation } from '@opentelemetry/api';
import { edgeFetch } from '../../src/triggers/edge/fetch.ts';
import { loadEvent } from '../helpers/fixtures.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';
import { testObservability, type TestObservability } from '../helpers/observability.ts';

// The semantic conventions' url.query list (AWSAccessKeyId, Signature, sig, X-Goog-Signature) and the SigV4
// presigned-URL parameters: https://opentelemetry.io/docs/specs/semconv/registry/attributes/url/#url-query
const SECRETS = 'X-Amz-Signature=abc123&X-Amz-Security-Token=FwoGZXIv&Signature=s3cr3t&sig=xyz&AWSAccessKeyId=AKIA';
const REDACTED = 'X-Amz-Signature=REDACTED&X-Amz-Security-Token=REDACTED&Signature=REDACTED&sig=REDACTED&AWSAccessKeyId=REDACTED';
const SINGLE = { 'X-Amz-Signature': 'abc123', 'X-Amz-Security-Token': 'FwoGZXIv', Signature: 's3cr3t', sig: 'xyz', AWSAccessKeyId: 'AKIA' };

let observability: TestObservability;
afterEach(() => observability.dispose());

async function urlQueryOf(event: unknown): Promise<unknown> {
  observability = testObservability();
  await observability.wrap(async (_event: unknown, _context: unknown) => ({ statusCode: 200 }))(event, lambdaContext());
  return observability.spans()[0]!.attributes['url.query'];
}

describe('inbound url.query: signature and credential values are REDACTED, the rest kept as sent', () => {
  it('API Gateway REST (v1), from the multi-value parameters', async () => {
    const event = {
      ...loadEvent('api-gateway-v1'),
      queryStringParameters: { id: '7', ...SINGLE },
      multiValueQueryStringParameters: { id: ['7'], ...Object.fromEntries(Object.entries(SINGLE).map(([k, v]) => [k, [v]])) },
    };
    expect(await urlQueryOf(event)).toBe(`id=7&${REDACTED}`);
  });

  it('API Gateway HTTP (v2), from rawQueryString', async () => {
    expect(await urlQueryOf({ ...loadEvent('api-gateway-v2'), rawQueryString: `id=7&${SECRETS}` })).toBe(`id=7&${REDACTED}`);
  });

  it('Function URL, a name in another case or percent-encoded too', async () => {
    const query = `x-amz-signature=abc&X%2DAmz%2DSignature=def&id=7`;
    expect(await urlQueryOf({ ...loadEvent('function-url'), rawQueryString: query })).toBe(
      'x-amz-signature=REDACTED&X%2DAmz%2DSignature=REDACTED&id=7',
    );
  });

  it('ALB, from the single-value parameters', async () => {
    expect(await urlQueryOf({ ...loadEvent('alb'), queryStringParameters: { id: '7', ...SINGLE } })).toBe(`id=7&${REDACTED}`);
  });

  it('edge fetch', () => {
    const start = edgeFetch.spanStart(
      { request: new Request(`https://a.test/x?id=7&${SECRETS}`) } as never,
      {
        functionName: 'edge',
        propagator: propagation,
      } as never,
    );
    expect(start.attributes['url.query']).toBe(`id=7&${REDACTED}`);
  });
});
