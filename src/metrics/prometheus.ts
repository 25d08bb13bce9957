import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuthEvents } from '../services/events.js';
import { metricsSource } from './cluster.js';
import { LatencyHistogram, type HistogramSeries } from './latency-histogram.js';

/** What the captcha pool reports (src/services/captcha-pool.ts's CaptchaPoolStats). */
interface PoolStats {
  ready: number;
  fromPool: number;
  drawnInline: number;
  ranEmpty: number;
  refused: number;
}

/** Prometheus counters for the domain's events and the HTTP layer's latencies, one registry per app. */
export class PrometheusMetrics implements AuthEvents {
  readonly registry = new Registry();
  private readonly requestSeconds = new LatencyHistogram(
    'medicine_http_request_duration_seconds',
    'HTTP request latency by route, method and status',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    this.registry,
  );
  private readonly sms = new Counter({
    name: 'medicine_sms_total',
    help: 'SMS codes by provider and outcome (sent, provider_failed, refused by a quota)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly logins = new Counter({
    name: 'medicine_logins_total',
    help: 'Logins by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly lockouts = new Counter({
    name: 'medicine_lockouts_total',
    help: 'Login lockouts begun, by scope',
    labelNames: ['scope'] as const,
    registers: [this.registry],
  });
  private readonly sessionCache = new Counter({
    name: 'medicine_session_cache_lookups_total',
    help: 'Session lookups answered from the per-process session cache (hit) or the database (miss)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly captchas = new Counter({
    name: 'medicine_captchas_drawn_total',
    help: 'Captcha images drawn',
    registers: [this.registry],
  });
  private readonly registrations = new Counter({
    name: 'medicine_registrations_total',
    help: 'Accounts created, by type',
    labelNames: ['types'] as const,
    registers: [this.registry],
  });

  /** The text `/metrics` serves: with WORKERS, every worker's metrics together. */
  readonly exposition: () => Promise<string>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'medicine_' });
    this.exposition = metricsSource(this.registry);
  }

  /** Reports the captcha pool (issue 18) at each scrape: pairs ready, handed out by source, times it ran empty. */
  // Bound once: a lookup is counted on every logged-in request.
  private readonly sessionCacheHits = this.sessionCache.labels({ outcome: 'hit' });
  private readonly sessionCacheMisses = this.sessionCache.labels({ outcome: 'miss' });

  sessionCacheLookup(outcome: 'hit' | 'miss'): void {
    (outcome === 'hit' ? this.sessionCacheHits : this.sessionCacheMisses).inc();
  }

  watchCaptchaPool(stats: () => PoolStats): void {
    new Gauge({
      name: 'medicine_captcha_pool_ready',
      help: 'Captchas drawn ahead and ready',
      registers: [this.registry],
      aggregator: 'sum',
      collect() {
        this.set(stats().ready);
      },
    });
    new Counter({
      name: 'medicine_captcha_pool_taken_total',
      help: 'Captchas handed out, from the pool or drawn on request because it was empty',
      labelNames: ['source'] as const,
      registers: [this.registry],
      collect() {
        const now = stats();
        this.reset();
        this.inc({ source: 'pool' }, now.fromPool);
        this.inc({ source: 'inline' }, now.drawnInline);
      },
    });
    new Counter({
      name: 'medicine_captcha_pool_refused_total',
      help: 'Captcha requests refused (REQERR captchaBusy) because CAPTCHA_MAX_WAITING requests were already waiting for a drawing',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(stats().refused);
      },
    });
    new Counter({
      name: 'medicine_captcha_pool_ran_empty_total',
      help: 'Times the captcha pool ran out after having held pairs',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(stats().ranEmpty);
      },
    });
  }

  /**
   * The latency series of one route, method and status; the HTTP layer keeps it and observes
   * into it directly (src/http/plugins/metrics.ts), with no label lookup per request.
   */
  requestSeries(route: string, method: string, status: number): HistogramSeries {
    return this.requestSeconds.seriesOf({ route, method, status: String(status) });
  }

  captchaDrawn(): void {
    this.captchas.inc();
  }
  smsCode(outcome: 'sent' | 'provider_failed' | 'refused', provider: string): void {
    this.sms.inc({ provider, outcome });
  }
  login(outcome: 'success' | 'wrong_credentials' | 'locked' | 'ip_blocked'): void {
    this.logins.inc({ outcome });
  }
  lockout(scope: 'phone' | 'device' | 'ip'): void {
    this.lockouts.inc({ scope });
  }
  registered(types: string): void {
    this.registrations.inc({ types });
  }
}
