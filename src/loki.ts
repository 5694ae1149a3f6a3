// The opt-in Loki entry point (`faas-observability/loki`): only re-exports. Bundles that do not import it
// carry no Loki code on the edge; on Lambda the fallback is otherwise loaded on demand.
export { lokiFallback, type LokiFallback } from './exporters/loki/loki-fallback.ts';
