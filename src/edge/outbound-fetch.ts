import type { OutboundRequest, OutboundSpan, OutboundTracer } from '../core/outbound/outbound-tracer.ts';

type Fetch = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

// Set on the init a traced call passes on: a traced fetch underneath (another copy of the library in the
// isolate) lets the call through instead of making a second span for it.
const TRACED = Symbol.for('faas-observability.traced-fetch');

/** Method, URL and headers of a fetch call, read without consuming a request body. */
function describeCall(input: Request | string | URL, init: RequestInit | undefined) {
  const isRequest = typeof Request !== 'undefined' && input instanceof Request;
  const url = isRequest ? input.url : String(input);
  const method = init?.method ?? (isRequest ? input.method : 'GET');
  const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined));
  return { url, method, headers };
}

/**
 * `fetchImpl` with a CLIENT span per call made inside a trace (see `createOutboundTracer`) and the trace
 * context in the request's headers where the propagation policy allows. Outside a trace, or for a URL it
 * cannot read (a relative one), the call goes through untouched.
 *
 * @example
 * const traced = tracedFetch(outbound, env.BACKEND.fetch.bind(env.BACKEND));
 */
export function tracedFetch(outbound: OutboundTracer, fetchImpl: Fetch): Fetch {
  return async function fetch(input, init) {
    if ((init as Record<symbol, unknown> | undefined)?.[TRACED]) return fetchImpl(input, init);
    const call = describeCall(input, init);
    let url: URL;
    try {
      url = new URL(call.url);
    } catch {
      return fetchImpl(input, init);
    }
    const span = startSafely(outbound, {
      method: call.method,
      url,
      header: (name) => call.headers.get(name) ?? undefined,
      setHeader: (name, value) => {
        call.headers.set(name, value);
        return true;
      },
    });
    if (!span) return fetchImpl(input, init);
    try {
      const response = await fetchImpl(input, { ...init, headers: call.headers, [TRACED]: true } as RequestInit);
      span.response(response.status);
      return response;
    } catch (error) {
      span.error(error);
      throw error;
    }
  };
}

/** A span for the call, or none when the instrumentation fails: the request must go out regardless. */
function startSafely(outbound: OutboundTracer, request: OutboundRequest): OutboundSpan | undefined {
  try {
    return outbound.start(request);
  } catch {
    return undefined;
  }
}

/**
 * Replaces `globalThis.fetch` with a traced one; returns the restorer (which leaves a fetch someone replaced
 * since alone). The isolate's owner installs it once, with a tracer that serves the setup whose invocation
 * makes the call. The library's own exports run with tracing suppressed, so they pass through.
 */
export function installGlobalFetch(outbound: OutboundTracer): () => void {
  const original = globalThis.fetch;
  if (typeof original !== 'function') return () => {};
  const traced = tracedFetch(outbound, original.bind(globalThis) as Fetch) as typeof fetch;
  globalThis.fetch = traced;
  return () => {
    if (globalThis.fetch === traced) globalThis.fetch = original;
  };
}

const isObject = (value: unknown): value is Record<PropertyKey, unknown> =>
  (typeof value === 'object' || typeof value === 'function') && value !== null;

/** A Workers service binding or Durable Object stub: an object with `fetch` and `connect`. */
function isFetcher(value: unknown): value is Record<PropertyKey, unknown> {
  return isObject(value) && typeof value.fetch === 'function' && typeof value.connect === 'function';
}

function isDurableObjectNamespace(value: unknown): value is Record<PropertyKey, unknown> {
  return isObject(value) && typeof value.idFromName === 'function' && typeof value.get === 'function' && !('fetch' in value);
}

/** `target` seen through a proxy whose methods keep their receiver (workerd's bindings need it). */
function withMethods(target: Record<PropertyKey, unknown>, override: (key: PropertyKey) => unknown): unknown {
  return new Proxy(target, {
    get(object, key) {
      const replaced = override(key);
      if (replaced !== undefined) return replaced;
      const value = Reflect.get(object, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}

function tracedFetcher(fetcher: Record<PropertyKey, unknown>, outbound: OutboundTracer): unknown {
  const fetch = tracedFetch(outbound, (fetcher.fetch as Fetch).bind(fetcher));
  return withMethods(fetcher, (key) => (key === 'fetch' ? fetch : undefined));
}

function tracedBinding(value: unknown, outbound: OutboundTracer): unknown {
  if (isFetcher(value)) return tracedFetcher(value, outbound);
  if (!isDurableObjectNamespace(value)) return value;
  const stubOf =
    (method: unknown) =>
    (...args: unknown[]) => {
      const stub = (method as (...a: unknown[]) => unknown).apply(value, args);
      return isFetcher(stub) ? tracedFetcher(stub, outbound) : stub;
    };
  const get = stubOf(value.get);
  const getByName = typeof value.getByName === 'function' ? stubOf(value.getByName) : undefined;
  return withMethods(value, (key) => (key === 'get' ? get : key === 'getByName' ? getByName : undefined));
}

/**
 * The Worker's `env` as the handler sees it: service bindings and Durable Object stubs (from `get` and
 * `getByName`) whose `fetch` is traced like the global one; every other binding is returned as is.
 *
 * @example
 * const env = tracedEnv(workerEnv, outbound); // await env.ORDERS.fetch('https://orders/…') → CLIENT span
 */
export function tracedEnv<E>(env: E, outbound: OutboundTracer): E {
  if (!isObject(env)) return env;
  const seen = new Map<PropertyKey, unknown>();
  return new Proxy(env, {
    get(target, key) {
      if (seen.has(key)) return seen.get(key);
      const traced = tracedBinding(Reflect.get(target, key), outbound);
      seen.set(key, traced);
      return traced;
    },
  }) as E;
}
