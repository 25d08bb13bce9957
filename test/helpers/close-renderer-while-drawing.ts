// Run in a child process by test/captcha/threaded-renderer.test.ts, because what it guards
// against kills the process: closes threaded renderers while both of their threads draw (or
// the second is still loading), then prints what became of every batch asked for.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Picture } from '../../src/captcha/captcha-renderer.js';
import { ThreadedCaptchaRenderer } from '../../src/captcha/threaded-renderer.js';

const rounds = Number(process.argv[2] ?? 10);
const texts = Array.from({ length: 16 }, () => 'ABCD');
let batches = 0;
let lost = 0;
let refusedAfterClose = 0;

for (let round = 0; round < rounds; round++) {
  const renderer = new ThreadedCaptchaRenderer(2, 64);
  const asked: Promise<Picture[]>[] = [];
  let closing = false;
  const keepDrawing = async (): Promise<void> => {
    while (!closing) {
      const batch = renderer.renderBatch(texts);
      asked.push(batch);
      for (const picture of await batch.catch(() => [])) picture.release();
    }
  };
  await renderer.render('ABCD');
  const drawing = [keepDrawing(), keepDrawing()];
  // 0–40 ms: the second thread is loading the libraries, or both are drawing.
  await sleep((round % 5) * 10);
  closing = true;
  await renderer.close();
  await Promise.allSettled(drawing);
  for (const result of await Promise.allSettled(asked)) {
    batches += 1;
    if (result.status === 'rejected' || result.value.length !== texts.length) lost += 1;
  }
  await renderer.renderBatch(texts).catch(() => (refusedAfterClose += 1));
}

console.log(JSON.stringify({ rounds, batches, lost, refusedAfterClose }));
