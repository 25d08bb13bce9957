import type { Metric, MetricObjectWithValues, MetricValueWithName, Registry } from 'prom-client';

/** One label set's histogram: counts per bucket (not cumulative), their sum and count. */
export class HistogramSeries {
  private readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Counts one value: a few comparisons and three additions, nothing allocated. */
  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count += 1;
  }

  /** Cumulative count of values ≤ bounds[i] (i = bounds.length: all of them). */
  cumulative(): number[] {
    let acc = 0;
    return Array.from(this.counts, (n) => (acc += n));
  }
}

/**
 * A Prometheus histogram whose series are handed out once and observed without any lookup
 * (issue 18): prom-client's own `labels(...).observe(v)` validates and hashes the labels and
 * allocates on every observation. It registers in a prom-client registry like any metric and
 * exports the same shape (`_bucket` with `le`, `_sum`, `_count`), so `/metrics` and the
 * WORKERS aggregation (`aggregator: 'sum'`) treat it as prom-client's own.
 */
export class LatencyHistogram {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly series = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** The series of these labels (the same object every time: keep it). */
  seriesOf(labels: Record<string, string>): HistogramSeries {
    const key = JSON.stringify(labels);
    let series = this.series.get(key);
    if (series === undefined) {
      series = new HistogramSeries({ ...labels }, this.bounds);
      this.series.set(key, series);
    }
    return series;
  }

  reset(): void {
    this.series.clear();
  }

  async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const values: MetricValueWithName<string>[] = [];
    for (const series of this.series.values()) {
      const cumulative = series.cumulative();
      this.bounds.forEach((bound, i) =>
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { ...series.labels, le: bound },
          value: cumulative[i] ?? 0,
        }),
      );
      values.push(
        { metricName: `${this.name}_bucket`, labels: { ...series.labels, le: '+Inf' }, value: series.count },
        { metricName: `${this.name}_sum`, labels: { ...series.labels }, value: series.sum },
        { metricName: `${this.name}_count`, labels: { ...series.labels }, value: series.count },
      );
    }
    const metric = { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
    return metric as unknown as MetricObjectWithValues<MetricValueWithName<string>>;
  }
}
