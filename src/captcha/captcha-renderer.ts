/** The captcha picture port: draws a text a person can read and a naive OCR cannot. */
export interface CaptchaRenderer {
  readonly contentType: 'image/png' | 'image/jpeg';
  render(text: string): Promise<Buffer>;
  /** Stops what the renderer started (threads), when the app closes. */
  close?(): Promise<void>;
}
