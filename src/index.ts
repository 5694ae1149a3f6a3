// The package root wraps nothing and has no code: import `withObservability` from `faas-observability/lambda`
// (Lambda: it also captures the console calls made while the handler module initialises) or from
// `faas-observability/edge` (Workers, Deno, Vercel Edge). Importing a function from here fails at load
// ("does not provide an export named …"), so an editor's auto-import cannot pick a third Lambda API that
// would lose the init logs. What is here: the option types shared by every runtime.
export type { ConsoleFormat, LokiOptions, ObservabilityOptions, OtlpCompression } from './core/config/options.ts';
export type { LokiFormat } from './exporters/loki/loki-encode.ts';
export type { UrlPattern } from './core/outbound/url-patterns.ts';
