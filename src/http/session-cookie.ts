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

export function readDeviceMarks(request: FastifyRequest): string[] {
  return DeviceMarkService.parse(request.cookies[DEVICE_COOKIE]);
}

export function setDeviceCookie(
  reply: FastifyReply,
  marks: readonly string[],
  settings: CookieSettings,
): void {
  reply.setCookie(DEVICE_COOKIE, marks.join('~'), {
    path: DEVICE_COOKIE_PATH,
    httpOnly: true,
    sameSite: 'lax',
    secure: settings.secure,
    maxAge: settings.deviceMaxAgeSeconds,
  });
}
