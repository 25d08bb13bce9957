import type { Services } from '../../services/index.js';
import type { CookieSettings } from '../session-cookie.js';

/** What every route plugin is registered with. */
export interface RouteOptions {
  services: Services;
  cookie: CookieSettings;
  testHooks: boolean;
  /** The filing numbers every page's footer shows (issue 15); undefined when not set. */
  filings: { icp: string | undefined; psb: string | undefined };
}
