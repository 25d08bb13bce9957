import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { PrometheusMetrics } from '../../metrics/prometheus.js';
import type { HistogramSeries } from '../../metrics/latency-histogram.js';
import { constantTimeEqual } from '../../services/secrets.js';

/** Label for requests that reached no route (404, 405, refused before routing). */
const UNMATCHED = 'unmatched';

/**
 * The latency series of one route, found by method and status without building a label
 * set or a key string: a route sees one or two methods and a handful of statuses.
 */
function seriesCache(metrics: PrometheusMetrics, route: string) {
  const byMethod = new Map<string, Map<number, HistogramSeries>>();
  return (method: string, status: number): HistogramSeries => {
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (series === undefined) byStatus.set(status, (series = metrics.requestSeries(route, method, status)));
    return series;
  };
}

const OWN_HOOK = Symbol('medicine.metrics');

/**
 * Records every request's latency by route and, when a token is configured, serves
 * `/metrics` in Prometheus' text format to callers that present it as a Bearer token.
 * Issue 18: each route gets an onResponse hook of its own, bound to that route's pattern
 * (not the URL, so that ids and query strings do not explode the label set), so a request
 * costs one map lookup and one observation; requests that reach no route are counted by one
 * shared hook as `unmatched`.
 */
async function metricsPlugin(
  app: FastifyInstance,
  { metrics, token }: { metrics: PrometheusMetrics; token: string | undefined },
): Promise<void> {
  app.addHook('onRoute', (route) => {
    const hooks = route.onResponse === undefined ? [] : [route.onResponse].flat();
    // Fastify copies a GET route's options into its HEAD route: one hook per route is enough.
    if (hooks.some((hook) => (hook as { [OWN_HOOK]?: true })[OWN_HOOK])) return;
    const seriesOf = seriesCache(metrics, route.url);
    const observe = Object.assign(
      (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
        seriesOf(request.method, reply.statusCode).observe(reply.elapsedTime / 1000);
        done();
      },
      { [OWN_HOOK]: true as const },
    );
    route.onResponse = [...hooks, observe as onResponseHookHandler];
  });
  const unmatched = seriesCache(metrics, UNMATCHED);
  app.addHook('onResponse', (request, reply, done) => {
    if (request.is404) unmatched(request.method, reply.statusCode).observe(reply.elapsedTime / 1000);
    done();
  });
  if (token === undefined) return;
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const presented = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    if (!constantTimeEqual(presented, token)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ status: 'unauthorized' });
    }
    return reply.type(metrics.registry.contentType).send(await metrics.exposition());
  });
}

export default fp(metricsPlugin, { name: 'metrics' });
