// The code a captcha worker thread runs (see threaded-renderer.ts).
import { drawCaptcha } from './draw-captcha.js';

export interface DrawTask {
  texts: string[];
  width: number;
  height: number;
}

/** Draws a batch of captchas: one message each way for the whole batch. */
export default function draw({ texts, width, height }: DrawTask): Uint8Array[] {
  return texts.map((text) => drawCaptcha(text, width, height));
}
