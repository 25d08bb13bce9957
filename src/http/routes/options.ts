import type { Services } from '../../services/index.js';
import type { CookieSettings } from '../session-cookie.js';

/** What every route plugin is registered with. */
export interface RouteOptions {
  services: Services;
  cookie: CookieSettings;
  testHooks: boolean;
}
