import type { FastifyInstance } from 'fastify';
import { named } from '../schemas.js';

export interface HealthOptions {
  /** Each dependency by name, with a check that rejects when it does not answer. */
  checks: Record<string, () => Promise<void>>;
  timeoutMs: number;
}

function withTimeout(check: () => Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    check().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** `/healthz`: the process answers. `/readyz`: the database and the store answer too (else 503). */
export default async function healthRoutes(app: FastifyInstance, { checks, timeoutMs }: HealthOptions) {
  const status = named(app, 'HealthStatus', {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string' }, failing: { type: 'array', items: { type: 'string' } } },
  });
  const statusReply = { 200: status };
  app.get(
    '/healthz',
    { schema: { summary: 'Liveness', operationId: 'checkLiveness', response: statusReply } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: database and key-value store answer',
        operationId: 'checkReadiness',
        response: { ...statusReply, 503: { ...status, description: 'A dependency does not answer' } },
      },
    },
    async (request, reply) => {
      const names = Object.keys(checks);
      const results = await Promise.allSettled(
        names.map((name) => withTimeout(checks[name] ?? (async () => {}), timeoutMs)),
      );
      const failing = names.filter((_, i) => results[i]?.status === 'rejected');
      if (failing.length === 0) return { status: 'ready' };
      request.log.warn({ failing }, 'not ready');
      return reply.code(503).send({ status: 'unavailable', failing });
    },
  );
}
