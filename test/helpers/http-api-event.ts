/**
 * An HTTP API (payload 2.0) `POST /orders` event as Lambda passes it, with `body` as its body and `requestId`
 * as API Gateway's request id; no `traceparent` header, so the invocation starts a trace of its own.
 *
 * @example
 * const event = httpApiEvent('req-7', JSON.stringify({ orders: 1 }));
 */
export function httpApiEvent(requestId: string, body: string): Record<string, unknown> {
  const http = { method: 'POST', path: '/orders', protocol: 'HTTP/1.1', sourceIp: '198.51.100.23', userAgent: 'e2e' };
  return {
    version: '2.0',
    routeKey: 'POST /orders',
    rawPath: '/orders',
    rawQueryString: '',
    headers: { host: 'orders.execute-api.eu-west-1.amazonaws.com', 'content-type': 'application/json' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'orders',
      domainName: 'orders.execute-api.eu-west-1.amazonaws.com',
      http,
      requestId,
      routeKey: 'POST /orders',
      stage: '$default',
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: false,
  };
}
