/**
 * A drawn picture's bytes as a "binary" string: one character per byte (latin1). Pictures
 * are held this way from the drawing thread until a request is answered with one (then
 * `Buffer.from(picture, 'latin1')`): a string lives on V8's heap, which compacts and gives
 * its memory back after a burst. As Buffers, the pictures waiting in the captcha pool and
 * in the batches were thousands of small blocks of native memory, freed only at a full
 * collection; under load they fragmented glibc's heap, which then kept 40–80 MB after the
 * load was over.
 */
export type PictureBytes = string;

/** The captcha picture port: draws a text a person can read and a naive OCR cannot. */
export interface CaptchaRenderer {
  readonly contentType: 'image/png' | 'image/jpeg';
  /**
   * How many batches it draws at the same time (its threads); absent: one. The captcha pool
   * keeps that many batches ahead, so that no thread waits for the next batch.
   */
  readonly parallelism?: number;
  render(text: string): Promise<PictureBytes>;
  /**
   * Draws several at once, the pictures in the order of the texts. Optional: a renderer that
   * hands work to threads saves a message each way per picture; without it, `render` is
   * called for each text.
   */
  renderBatch?(texts: readonly string[]): Promise<PictureBytes[]>;
  /** Stops what the renderer started (threads), when the app closes. */
  close?(): Promise<void>;
}
