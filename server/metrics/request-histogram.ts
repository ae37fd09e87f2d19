import {
  Histogram,
  type MetricObjectWithValues,
  type MetricType,
  type MetricValueWithName,
  type Registry,
} from 'prom-client';

type Label = 'method' | 'route' | 'status';

interface Series {
  labels: Record<Label, string>;
  /** Observations per bucket (not cumulative), the last one past every bound. */
  counts: number[];
  sum: number;
  count: number;
}

/**
 * A histogram for the one observation made on every HTTP request, by method, route pattern and status.
 * prom-client's observe() checks and hashes the label set on every call, which was a tenth of a cached
 * API read's time (bench:api, docs/scale.md); record() finds its series by three map lookups instead.
 * The export is prom-client's own histogram form (the registry formats it), so scrapes, the dashboard
 * and the alerts see the same series as before. Observe through record() only.
 */
export class RequestHistogram extends Histogram<Label> {
  private readonly names: { name: string; help: string };
  private readonly bounds: number[];
  /** method → route → status; made by reset(), which prom-client's constructor calls. */
  declare private series: Map<string, Map<string, Map<number, Series>>>;

  constructor(config: { name: string; help: string; buckets: number[]; registers: Registry[] }) {
    super({ ...config, labelNames: ['method', 'route', 'status'] });
    this.names = { name: config.name, help: config.help };
    this.bounds = [...config.buckets].sort((a, b) => a - b);
  }

  record(method: string, route: string, status: number, seconds: number): void {
    let byRoute = this.series.get(method);
    if (!byRoute) this.series.set(method, (byRoute = new Map<string, Map<number, Series>>()));
    let byStatus = byRoute.get(route);
    if (!byStatus) byRoute.set(route, (byStatus = new Map<number, Series>()));
    let s = byStatus.get(status);
    if (!s) {
      s = {
        labels: { method, route, status: String(status) },
        counts: new Array<number>(this.bounds.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      byStatus.set(status, s);
    }
    let i = 0;
    while (i < this.bounds.length && seconds > this.bounds[i]!) i++;
    s.counts[i]!++;
    s.sum += seconds;
    s.count++;
  }

  /** What the registry formats for a scrape: per series, its labels shared by every line. */
  async getForPromString() {
    const { name, help } = this.names;
    const values: (MetricValueWithName<string> & { sharedLabels: Record<string, string> })[] = [];
    for (const byRoute of this.series.values())
      for (const byStatus of byRoute.values())
        for (const s of byStatus.values()) {
          let acc = 0;
          this.bounds.forEach((le, i) => {
            acc += s.counts[i]!;
            values.push({ labels: { le }, sharedLabels: s.labels, value: acc, metricName: `${name}_bucket` });
          });
          values.push(
            { labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: `${name}_bucket` },
            { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${name}_sum` },
            { labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${name}_count` },
          );
        }
    // prom-client's types call `type` an enum; at run time it is this string.
    return { name, help, type: 'histogram' as unknown as MetricType, values, aggregator: 'sum' as const };
  }

  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<Label>>> {
    const data = await this.getForPromString();
    const values = data.values.map(({ sharedLabels, labels, ...v }) => ({
      ...v,
      labels: { ...labels, ...sharedLabels },
    }));
    // `le` is a label of every bucket line, as in prom-client's own histograms.
    return { ...data, values, collect: () => undefined };
  }

  override reset(): void {
    this.series = new Map();
    super.reset();
  }
}
