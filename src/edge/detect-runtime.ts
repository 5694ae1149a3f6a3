import type { Attributes } from '@opentelemetry/api';
import type { Env } from '../core/config/env-readers.ts';
import type { AsyncLocalStorageClass } from './als-context-manager.ts';

export type EdgeRuntimeName = 'workerd' | 'deno' | 'vercel-edge' | 'netlify-edge' | 'node' | 'unknown';

interface Globals {
  navigator?: { userAgent?: string };
  Deno?: { version?: { deno?: string }; env?: { toObject(): Record<string, string> } };
  EdgeRuntime?: string;
  Netlify?: unknown;
  process?: { versions?: { node?: string }; env?: Record<string, string | undefined> };
  AsyncLocalStorage?: AsyncLocalStorageClass;
}
const g = globalThis as unknown as Globals;

/** Which runtime this is, from globals each one sets (checked most specific first). */
export function detectRuntime(): EdgeRuntimeName {
  if (g.navigator?.userAgent === 'Cloudflare-Workers') return 'workerd';
  if (typeof g.Netlify !== 'undefined') return 'netlify-edge';
  if (typeof g.EdgeRuntime === 'string') return 'vercel-edge';
  if (typeof g.Deno?.version?.deno === 'string') return 'deno';
  if (typeof g.process?.versions?.node === 'string') return 'node';
  return 'unknown';
}

const PLATFORM: Record<EdgeRuntimeName, [string, string] | undefined> = {
  workerd: ['cloudflare', 'cloudflare_workers'],
  'vercel-edge': ['vercel', 'vercel_edge_functions'],
  'netlify-edge': ['netlify', 'netlify_edge_functions'],
  deno: ['deno', 'deno'],
  node: undefined,
  unknown: undefined,
};

/** `cloud.provider` / `cloud.platform` for the runtime, plus `process.runtime.name`. */
export function edgeResourceAttributes(runtime: EdgeRuntimeName, env: Env): Attributes {
  const attributes: Attributes = { 'process.runtime.name': runtime };
  const platform = PLATFORM[runtime];
  if (platform) [attributes['cloud.provider'], attributes['cloud.platform']] = platform;
  if (runtime === 'deno' && env.DENO_DEPLOYMENT_ID) attributes['cloud.platform'] = 'deno_deploy';
  if (env.VERCEL_REGION) attributes['cloud.region'] = env.VERCEL_REGION;
  return attributes;
}

/**
 * `service.name` when none is given: `unknown_service:` and the platform (`cloudflare_workers`,
 * `vercel_edge_functions`, `deno_deploy`, …), as the resource semantic conventions fall back to
 * `unknown_service:` and the executable's name, which an isolate does not have. No platform exposes the
 * function's name at runtime (a Worker's request host is a custom domain, a preview URL or absent for a cron
 * trigger), so nothing is guessed from it: setup warns instead.
 * https://opentelemetry.io/docs/specs/semconv/resource/#service
 */
export function defaultServiceName(attributes: Attributes): string {
  return `unknown_service:${typeof attributes['cloud.platform'] === 'string' ? attributes['cloud.platform'] : 'edge'}`;
}

/**
 * The environment a function sees: `process.env` (Vercel, Netlify), `Deno.env` (when permitted), and over
 * them the Worker's `env` binding (where secrets and OTEL_* values arrive on Cloudflare). Only strings.
 */
export function edgeEnv(binding: unknown): Env {
  const merged: Record<string, string> = {};
  const add = (source: unknown) => {
    if (typeof source !== 'object' || source === null) return;
    for (const [key, value] of Object.entries(source)) if (typeof value === 'string') merged[key] = value;
  };
  try {
    add(g.process?.env);
  } catch {
    // no process
  }
  try {
    add(g.Deno?.env?.toObject());
  } catch {
    // Deno without --allow-env
  }
  add(binding);
  return merged;
}

/**
 * The runtime's AsyncLocalStorage: a global where the runtime offers one (Vercel Edge), else
 * `node:async_hooks` (workerd with nodejs_compat, Deno, Node). Undefined where there is none.
 */
export async function loadAsyncLocalStorage(): Promise<AsyncLocalStorageClass | undefined> {
  if (typeof g.AsyncLocalStorage === 'function') return g.AsyncLocalStorage;
  try {
    const module = await import(/* @vite-ignore */ 'node:async_hooks');
    return (module as { AsyncLocalStorage?: AsyncLocalStorageClass }).AsyncLocalStorage;
  } catch {
    return undefined;
  }
}
