/** The captcha picture port: draws a text a person can read and a naive OCR cannot. */
export interface CaptchaRenderer {
  readonly contentType: 'image/png' | 'image/jpeg';
  render(text: string): Promise<Buffer>;
  /**
   * Draws several at once, the pictures in the order of the texts. Optional: a renderer that
   * hands work to threads saves a message each way per picture; without it, `render` is
   * called for each text.
   */
  renderBatch?(texts: readonly string[]): Promise<Buffer[]>;
  /** Stops what the renderer started (threads), when the app closes. */
  close?(): Promise<void>;
}
