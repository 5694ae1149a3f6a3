import type { LoopbackRequest } from '../../tools/loopback.ts';

/**
 * The API Gateway HTTP API (payload 2.0) event Lambda would get for `request`, as a Function URL or an HTTP
 * API builds it: the headers as they arrived (lower-case), the path, the query.
 */
export function httpApiEvent(request: LoopbackRequest): Record<string, unknown> {
  const url = new URL(request.path, 'http://function-url');
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'journey',
      domainName: headers.host,
      http: {
        method: request.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: '$default',
      stage: '$default',
      timeEpoch: Date.now(),
    },
    body: request.body.length > 0 ? request.body.toString('utf8') : undefined,
    isBase64Encoded: false,
  };
}
