import type { FastifyInstance } from 'fastify';

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
  const statusReply = {
    200: {
      type: 'object',
      properties: { status: { type: 'string' }, failing: { type: 'array', items: { type: 'string' } } },
    },
  };
  app.get('/healthz', { schema: { summary: 'Liveness', response: statusReply } }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: database and key-value store answer',
        response: { ...statusReply, 503: statusReply[200] },
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
