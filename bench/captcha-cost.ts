// `node --import tsx bench/captcha-cost.ts [--threads 2] [--count 16000] [--batch 16]`: what
// drawing a captcha costs on its own, without HTTP: the server's ThreadedCaptchaRenderer
// draws `--count` pictures in batches of `--batch`, two batches per thread in flight (as the
// pool keeps them under load), and this prints pictures per second and the process's CPU per
// picture (the threads' drawing and encoding, and the main thread's messages). Not part of
// the service; see bench/README.md "Latest results".
import { parseArgs } from 'node:util';
import { ThreadedCaptchaRenderer } from '../src/captcha/threaded-renderer.js';
import { CAPTCHA_ALPHABET } from '../src/services/captcha.js';
import { randomText } from '../src/services/secrets.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    count: { type: 'string', default: '16000' },
    batch: { type: 'string', default: '16' },
  },
});
const threads = Number(values.threads);
const count = Number(values.count);
const batch = Number(values.batch);

// As src/main.ts does before the first captcha thread loads the canvas.
process.env.MIMALLOC_ALLOW_THP ??= '0';
// Slots for every batch in flight (two lanes per thread), as the server sizes its slab.
const renderer = new ThreadedCaptchaRenderer(threads, threads * 2 * batch);
const texts = () => Array.from({ length: batch }, () => randomText(CAPTCHA_ALPHABET, 4));
await Promise.all(Array.from({ length: threads }, () => renderer.renderBatch(texts()))); // threads up

let drawn = 0;
let bytes = 0;
const cpu = process.cpuUsage();
const started = performance.now();
async function lane(): Promise<void> {
  while (drawn < count) {
    drawn += batch;
    for (const image of await renderer.renderBatch(texts())) {
      bytes += image.bytes().length;
      image.release();
    }
  }
}
await Promise.all(Array.from({ length: threads * 2 }, lane));
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
await renderer.close();
console.log(
  `${drawn} captchas on ${threads} threads in batches of ${batch} (MIMALLOC_ALLOW_THP=${process.env.MIMALLOC_ALLOW_THP}): ` +
    `${Math.round(drawn / seconds)} pictures/s, ${((used.user + used.system) / drawn).toFixed(0)} µs of CPU each, ` +
    `${Math.round(bytes / drawn)} B each on average`,
);
