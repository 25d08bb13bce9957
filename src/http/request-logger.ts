import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

/**
 * A logger for code outside the HTTP layer (services, SMS providers) that writes through
 * the logger of the request being served, so its lines carry that request's id too;
 * outside any request it writes through the app's logger.
 */
export function requestScopedLogger(app: FastifyInstance): FastifyBaseLogger {
  const current = new AsyncLocalStorage<FastifyBaseLogger>();
  // Callback style, so the rest of the request's hooks and its handler run inside the context.
  app.addHook('onRequest', (request, _reply, done) => current.run(request.log, done));
  const pick = () => current.getStore() ?? app.log;
  return new Proxy(app.log, {
    get(_target, property) {
      const logger = pick();
      const value = Reflect.get(logger, property, logger) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(logger) : value;
    },
  });
}
