import { metrics } from '@opentelemetry/api';
import type { Env } from '../config/env-readers.ts';
import { CollectingMeterProvider } from './meter-provider.ts';

// The process's (the isolate's) meter provider for the meters of user code: one, registered with the
// OpenTelemetry API when the entry point is imported, because the metrics API has no proxy provider: a meter
// taken before a provider is registered stays a no-op for good, and most code creates its instruments at
// module scope, above the `withObservability(...)` call. Collected by the first setup that claims it.
let provider: CollectingMeterProvider | undefined;
let registered = false;
/** Another meter provider held the API's registration when ours was offered: it is never offered again. */
let refused = false;
const claimants: object[] = [];

/** The process's meter provider for user meters, created on first use. */
export function processMeterProvider(): CollectingMeterProvider {
  return (provider ??= new CollectingMeterProvider());
}

/**
 * Registers the process's meter provider with the OpenTelemetry API, unless metrics are off by environment
 * (`OTEL_SDK_DISABLED`, `OTEL_METRICS_EXPORTER=none`) or a provider is registered already (the user's own SDK
 * setup wins; its meters are then its to export).
 *
 * @example
 * registerProcessMeterProvider(process.env); // at import of the entry point
 */
export function registerProcessMeterProvider(env: Env): void {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return;
  if (env.OTEL_METRICS_EXPORTER?.trim().toLowerCase() === 'none') return;
  register();
}

function register(): void {
  if (registered || refused) return;
  // The API answers false (and says so through diag) when a provider is registered already.
  registered = metrics.setGlobalMeterProvider(processMeterProvider());
  refused = !registered;
}

/** `setup` will collect user meters if it is the first to claim them (and until it releases them). */
export function claimUserMeters(setup: object): void {
  if (!claimants.includes(setup)) claimants.push(setup);
  // Registered again after a shutdown released it (a test, or a process that builds its setups one by one).
  register();
}

/** `setup` no longer collects user meters; the next claimant does. The last one unregisters the provider. */
export function releaseUserMeters(setup: object): void {
  const at = claimants.indexOf(setup);
  if (at >= 0) claimants.splice(at, 1);
  if (claimants.length === 0 && registered) {
    metrics.disable();
    registered = false;
  }
}

/**
 * A setup that does not lend the API its globals (`registerGlobals: false`) or has metrics off: when no setup
 * collects user meters, the registration made at import is withdrawn, so the API holds nothing of ours.
 */
export function declineUserMeters(): undefined {
  if (claimants.length === 0 && registered) {
    metrics.disable();
    registered = false;
  }
}

/** Whether `setup` is the one that collects user meters now. */
export function collectsUserMeters(setup: object): boolean {
  return registered && claimants[0] === setup;
}
