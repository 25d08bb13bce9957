import type { Logger } from 'pino';

/**
 * What services and adapters log through. The HTTP layer hands them the logger of the
 * request they serve (inside `ClientInfo`), so their lines carry that request's id;
 * the one given at construction is for work done outside any request.
 */
export type ServiceLogger = Pick<Logger, 'info' | 'warn' | 'error'>;
