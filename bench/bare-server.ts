// The framework floor: Fastify with one route returning a small JSON object and nothing
// else (no logger, no hooks, no plugins). Started by bench/run.ts as a child process, on
// the same Node.js and loader (tsx) as the service, so the two compare like with like.
import Fastify from 'fastify';

const port = Number(process.env.PORT ?? 0);
const app = Fastify({ logger: false });
app.get('/bare', async () => ({ re_code: '0', msg: 'ok' }));
const address = await app.listen({ host: '127.0.0.1', port });
process.stdout.write(`bare server listening at ${address}\n`);
const stop = () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
