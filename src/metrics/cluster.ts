import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/** One worker's metrics, as `Registry.getMetricsAsJSON` gives them. */
type metric = object;

/** Messages between a WORKERS primary and its workers. */
const ASK_ALL = 'medicine:metrics:all?';
const ALL = 'medicine:metrics:all';
const ASK_OWN = 'medicine:metrics:own?';
const OWN = 'medicine:metrics:own';
/** The longest the primary waits for a worker's own metrics. */
const WORKER_TIMEOUT_MS = 3000;
/** The longest a worker waits for the primary (which waits for the others). */
const PRIMARY_TIMEOUT_MS = WORKER_TIMEOUT_MS + 1000;

type Message =
  | { type: typeof ASK_ALL; id: number }
  | { type: typeof ALL; id: number; text?: string; error?: string }
  | { type: typeof ASK_OWN; id: number }
  | { type: typeof OWN; id: number; metrics?: metric[]; error?: string };

/** Questions sent and not yet answered, by id: each settles its promise with the answer or an Error. */
type Waiting<T> = Map<number, (answer: T | Error) => void>;

/** The answer to question `id`, once it comes (through `waiting`), or an Error after `ms`. */
function awaitAnswer<T>(waiting: Waiting<T>, id: number, ms: number, timeoutMessage: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error(timeoutMessage));
    }, ms);
    waiting.set(id, (answer) => {
      clearTimeout(timer);
      waiting.delete(id);
      if (answer instanceof Error) reject(answer);
      else resolve(answer);
    });
  });
}

const isMessage = (message: unknown): message is Message =>
  typeof message === 'object' &&
  message !== null &&
  String((message as Message).type).startsWith('medicine:metrics:');

/**
 * In the WORKERS primary: when a worker is asked for `/metrics`, gathers every serving
 * worker's own metrics and merges them with prom-client's cluster aggregation
 * (`AggregatorRegistry.aggregate`: counters and histograms summed, process figures as
 * prom-client aggregates each). Only workers that have started listening are asked, so one
 * still loading does not hold the answer up.
 */
export function answerClusterMetrics(): void {
  const serving = new Set<Worker>();
  cluster.on('listening', (worker) => serving.add(worker));
  cluster.on('exit', (worker) => serving.delete(worker));
  let next = 0;
  const waiting: Waiting<metric[]> = new Map();

  const ownOf = (worker: Worker): Promise<metric[]> => {
    const id = next++;
    const answer = awaitAnswer(waiting, id, WORKER_TIMEOUT_MS, `worker ${worker.process.pid} did not answer`);
    worker.send({ type: ASK_OWN, id } satisfies Message);
    return answer;
  };

  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === OWN) {
      waiting.get(message.id)?.(message.metrics ?? new Error(message.error ?? 'no metrics'));
    } else if (message.type === ASK_ALL) {
      const workers = [...serving].filter((w) => w.isConnected());
      Promise.all(workers.map(ownOf))
        .then((all) => AggregatorRegistry.aggregate(all).metrics())
        .then(
          (text) => worker.send({ type: ALL, id: message.id, text } satisfies Message),
          (error: unknown) =>
            worker.send({ type: ALL, id: message.id, error: String(error) } satisfies Message),
        );
    }
  });
}

/**
 * The metrics `/metrics` shows: in a WORKERS worker, every worker's together (asked of the
 * primary, which asks each worker for its registry); in a lone process, its own.
 */
export function metricsSource(registry: Registry): () => Promise<string> {
  if (!cluster.isWorker) return () => registry.metrics();
  const waiting: Waiting<string> = new Map();
  let next = 0;
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === ASK_OWN) {
      registry.getMetricsAsJSON().then(
        (metrics) => process.send?.({ type: OWN, id: message.id, metrics } satisfies Message),
        (error: unknown) =>
          process.send?.({ type: OWN, id: message.id, error: String(error) } satisfies Message),
      );
    } else if (message.type === ALL) {
      waiting.get(message.id)?.(
        message.text ?? new Error(`cluster metrics: ${message.error ?? 'no answer'}`),
      );
    }
  });
  return () => {
    const id = next++;
    const answer = awaitAnswer(
      waiting,
      id,
      PRIMARY_TIMEOUT_MS,
      'cluster metrics: the primary did not answer',
    );
    process.send?.({ type: ASK_ALL, id } satisfies Message);
    return answer;
  };
}
