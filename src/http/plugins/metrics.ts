import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { PrometheusMetrics } from '../../metrics/prometheus.js';
import { constantTimeEqual } from '../../services/secrets.js';

/**
 * Records every request's latency by route and, when a token is configured, serves
 * `/metrics` in Prometheus' text format to callers that present it as a Bearer token.
 */
async function metricsPlugin(
  app: FastifyInstance,
  { metrics, token }: { metrics: PrometheusMetrics; token: string | undefined },
): Promise<void> {
  app.addHook('onResponse', (request, reply, done) => {
    // The route's pattern, not the URL, so that ids and query strings do not explode the label set.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
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
