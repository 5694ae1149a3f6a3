import { describe, expect, it } from 'vitest';
import { requestIdOf } from '../../src/edge/request-id.ts';

const request = (headers: Record<string, string>) => new Request('https://a.test/', { headers });

describe('faas.invocation_id of an edge request', () => {
  it("is the platform's own id where the runtime is known, whatever else the client sent", () => {
    const headers = { 'cf-ray': '8f1b2c3d4e5f6a7b-FRA', 'x-vercel-id': 'fra1::iad1::abc12-1700000000000-0123456789ab' };
    expect(requestIdOf(request(headers), 'workerd')).toEqual({ 'faas.invocation_id': '8f1b2c3d4e5f6a7b-FRA' });
    expect(requestIdOf(request(headers), 'vercel-edge')).toEqual({ 'faas.invocation_id': headers['x-vercel-id'] });
    // On Vercel, a client-sent cf-ray is not the request's id.
    expect(requestIdOf(request({ 'cf-ray': 'forged' }), 'vercel-edge')).toEqual({});
  });

  it('on a server of our own (Node, Deno): a plausible header is kept, a long or odd one never becomes the id', () => {
    expect(requestIdOf(request({ 'cf-ray': '8f1b2c3d4e5f6a7b-FRA' }), 'node')).toEqual({ 'faas.invocation_id': '8f1b2c3d4e5f6a7b-FRA' });
    expect(requestIdOf(request({ 'cf-ray': 'a'.repeat(100_000) }), 'deno')).toEqual({});
    expect(requestIdOf(request({ 'x-vercel-id': 'id with spaces {"json":1}' }), 'node')).toEqual({});
    expect(requestIdOf(request({}), 'deno')).toEqual({});
  });
});
