import type { FastifyReply, FastifyRequest } from 'fastify';
import { DeviceMarkService } from '../services/device-marks.js';

export const SESSION_COOKIE = 'session';
/** The device marks of this browser (issue #12): sent only to the API, never readable by scripts. */
export const DEVICE_COOKIE = 'device';
const DEVICE_COOKIE_PATH = '/api/1.0';

export interface CookieSettings {
  secure: boolean;
  maxAgeSeconds: number;
  /** How long a device mark lives (DEVICE_MARK_DAYS). */
  deviceMaxAgeSeconds: number;
}

export function readSessionId(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE];
}

export function setSessionCookie(reply: FastifyReply, id: string, settings: CookieSettings): void {
  reply.setCookie(SESSION_COOKIE, id, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: settings.secure,
    maxAge: settings.maxAgeSeconds,
  });
}

export function clearSessionCookie(reply: FastifyReply, settings: CookieSettings): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: settings.secure });
}

/** An app (`X-Client: app`) keeps its device marks itself, having no cookie jar (wx.request, say). */
export const isApp = (request: FastifyRequest): boolean => request.headers['x-client'] === 'app';

/** The device marks a client presented: an app's `device_mark` body field, else the browser's cookie. */
export function readDeviceMarks(request: FastifyRequest): string[] {
  const body = request.body as { device_mark?: unknown } | undefined;
  if (isApp(request) && typeof body?.device_mark === 'string')
    return DeviceMarkService.parse(body.device_mark);
  return DeviceMarkService.parse(request.cookies[DEVICE_COOKIE]);
}

/**
 * Hands the client the device marks it keeps from now on: a browser in its HttpOnly cookie,
 * an app in the reply's `device_mark` field (what this returns, to be added to the body).
 */
export function handOverDeviceMarks(
  request: FastifyRequest,
  reply: FastifyReply,
  marks: readonly string[],
  settings: CookieSettings,
): { device_mark?: string } {
  if (isApp(request)) return { device_mark: marks.join('~') };
  reply.setCookie(DEVICE_COOKIE, marks.join('~'), {
    path: DEVICE_COOKIE_PATH,
    httpOnly: true,
    sameSite: 'lax',
    secure: settings.secure,
    maxAge: settings.deviceMaxAgeSeconds,
  });
  return {};
}
