import { SpanKind } from '@opentelemetry/api';
import { recordHttpResult } from '../http.ts';
import { normalizeHeaders } from '../../core/propagation.ts';
import { pick, pickString, type MatchingTrigger } from '../../core/trigger.ts';

/**
 * API Gateway WebSocket API: an `http` SERVER span named after the route key (`$connect`, `$default`,
 * `sendmessage`), with the event type and connection id; parent from the `$connect` request's headers.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-mapping-template-reference.html
 */
export const apiGatewayWebSocket: MatchingTrigger = {
  name: 'api-gateway-websocket',
  matches: (event) =>
    typeof pick(event, 'requestContext', 'connectionId') === 'string' && typeof pick(event, 'requestContext', 'routeKey') === 'string',
  spanStart: (event: unknown) => {
    const routeKey = pickString(event, 'requestContext', 'routeKey')!;
    const headers = normalizeHeaders(pick(event, 'multiValueHeaders'), pick(event, 'headers'));
    return {
      name: routeKey,
      kind: SpanKind.SERVER,
      attributes: {
        'faas.trigger': 'http',
        'aws.api_gateway.websocket.route_key': routeKey,
        'aws.api_gateway.websocket.event_type': pickString(event, 'requestContext', 'eventType') ?? 'unknown',
        'aws.api_gateway.websocket.connection_id': pickString(event, 'requestContext', 'connectionId')!,
        ...(pickString(event, 'requestContext', 'domainName')
          ? { 'server.address': pickString(event, 'requestContext', 'domainName') }
          : {}),
      },
      parentCarrier: headers,
    };
  },
  onResult: (span, result) => recordHttpResult(span, result, false),
};
