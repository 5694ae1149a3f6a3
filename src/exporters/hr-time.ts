import type { HrTime } from '@opentelemetry/api';

/** An OpenTelemetry HrTime as decimal nanoseconds since the epoch (beyond 2^53, so a string). */
export function hrTimeToNanos([seconds, nanos]: HrTime): string {
  return (BigInt(seconds) * 1_000_000_000n + BigInt(nanos)).toString();
}
