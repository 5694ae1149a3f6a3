import { LokiPushExporter } from './loki-push.ts';

/**
 * The code of the Loki fallback (the push exporter and its encoders), for the `lokiFallback` option. Its
 * shape is that of the exporter's module, so a dynamic `import()` of it is a loader too.
 */
export interface LokiFallback {
  readonly LokiPushExporter: typeof LokiPushExporter;
}

/**
 * The Loki fallback, from `faas-observability/loki`: pass it as the `lokiFallback` option where its code
 * has to be in the bundle from the start. On the edge (one file per deploy, nothing loaded later) the
 * fallback works only with it; a bundle that does not import it carries no Loki code. On Lambda it replaces
 * the dynamic import of the fallback, so a bundle built without code splitting needs no chunk for it.
 *
 * @example
 * import { withObservability } from 'faas-observability/edge';
 * import { lokiFallback } from 'faas-observability/loki';
 *
 * export default withObservability(
 *   { fetch: async () => new Response('ok') },
 *   (env: { LOKI_URL: string }) => ({ loki: { url: env.LOKI_URL }, lokiFallback }),
 * );
 */
export const lokiFallback: LokiFallback = { LokiPushExporter };
