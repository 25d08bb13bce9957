/**
 * A drawn picture (a JPEG), held where it was drawn until a request is answered with it:
 * in its slot of the drawing threads' shared slab (PictureSlab), or as a "binary" string
 * (one character per byte, latin1) when drawn on the event loop or when it did not fit a
 * slot. Neither lives in V8's heap as an object of its own that the collector must promote
 * and later free: under GET /imageCode the pictures crossing from the threads as strings
 * were promoted by the thousand (113 MB in 6 s) and held a third of the main thread's
 * collection work. As Buffers, the pictures waiting in the pool were thousands of small
 * blocks of native memory freed only at a full collection.
 */
export interface Picture {
  /** The JPEG, copied into a Buffer of its own (the copy a request is answered with). */
  bytes(): Buffer;
  /** Gives back what holds the picture (its slot, for another drawing); `bytes` may not be called after. */
  release(): void;
}

/** A picture held as a latin1 string (one character per byte). */
export class StringPicture implements Picture {
  constructor(private readonly latin1: string) {}

  bytes(): Buffer {
    return Buffer.from(this.latin1, 'latin1');
  }

  release(): void {}
}

/** The captcha picture port: draws a text a person can read and a naive OCR cannot. */
export interface CaptchaRenderer {
  readonly contentType: 'image/png' | 'image/jpeg';
  /**
   * How many batches it draws at the same time (its threads); absent: one. The captcha pool
   * keeps that many batches ahead, so that no thread waits for the next batch.
   */
  readonly parallelism?: number;
  render(text: string): Promise<Picture>;
  /**
   * Draws several at once, the pictures in the order of the texts. Optional: a renderer that
   * hands work to threads saves a message each way per picture; without it, `render` is
   * called for each text.
   */
  renderBatch?(texts: readonly string[]): Promise<Picture[]>;
  /** Stops what the renderer started (threads), when the app closes. */
  close?(): Promise<void>;
}
