import { StringPicture, type CaptchaRenderer, type Picture } from './captcha-renderer.js';
import { drawCaptcha, drawCaptchaStrings } from './draw-captcha.js';

/**
 * Draws each captcha on the calling thread (the event loop): for tests, tools and
 * `CAPTCHA_THREADS=0`. The server draws on worker threads (ThreadedCaptchaRenderer).
 */
export class CanvasCaptchaRenderer implements CaptchaRenderer {
  readonly contentType = 'image/jpeg' as const;

  constructor(
    private readonly width = 120,
    private readonly height = 44,
  ) {
    // Draws once now, so that a missing font stops the start-up rather than a request.
    drawCaptcha('0000', width, height);
  }

  async render(text: string): Promise<Picture> {
    const [picture] = drawCaptchaStrings([text], this.width, this.height);
    return new StringPicture(picture!);
  }
}
