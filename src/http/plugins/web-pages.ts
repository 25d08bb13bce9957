import type { FastifyInstance } from 'fastify';

/** Serves the built pages of web/ at `/` (filled in by the web-pages work). */
export default async function webPages(_app: FastifyInstance): Promise<void> {}
