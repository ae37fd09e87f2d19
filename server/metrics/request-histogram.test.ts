import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

import { RequestHistogram } from './request-histogram.js';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const config = { name: 'abonent_test_duration_seconds', help: 'Test latency', buckets: BUCKETS };

/** The same observations through prom-client's Histogram and through RequestHistogram. */
function both(observations: [string, string, number, number][]) {
  const stock = new Registry();
  const fast = new Registry();
  const reference = new Histogram({ ...config, labelNames: ['method', 'route', 'status'], registers: [stock] });
  const ours = new RequestHistogram({ ...config, registers: [fast] });
  for (const [method, route, status, seconds] of observations) {
    reference.observe({ method, route, status: String(status) }, seconds);
    ours.record(method, route, status, seconds);
  }
  return { stock, fast, ours };
}

const lines = async (r: Registry) => (await r.metrics()).split('\n').sort();
const series = async (r: Registry) =>
  (await r.getMetricsAsJSON())
    .flatMap((m) => m.values.map((v) => JSON.stringify([(v as { metricName?: string }).metricName, v.labels, v.value])))
    .sort();

describe('RequestHistogram', () => {
  it('scrapes exactly as prom-client’s histogram of the same observations', async () => {
    // On a bound, between bounds, past every bound; routes and statuses interleaved.
    const { stock, fast } = both([
      ['GET', '/api/me/overview', 200, 0.005],
      ['GET', '/api/me/overview', 200, 0.0051],
      ['POST', '/api/payments', 201, 0.3],
      ['GET', '/api/me/overview', 304, 12],
      ['GET', 'unmatched', 404, 0.001],
      ['GET', '/api/me/overview', 200, 1],
      ['POST', '/api/payments', 500, 2.5],
    ]);
    expect(await lines(fast)).toEqual(await lines(stock));
    expect(await series(fast)).toEqual(await series(stock));
    expect(await fast.metrics()).toContain(
      'abonent_test_duration_seconds_count{method="GET",route="/api/me/overview",status="200"} 3',
    );
  });

  it('starts again from nothing when reset', async () => {
    const { fast, ours } = both([['GET', '/api/health/live', 200, 0.002]]);
    ours.reset();
    expect(await fast.metrics()).not.toContain('_count');
    ours.record('GET', '/api/health/live', 200, 0.002);
    expect(await fast.metrics()).toContain(
      'abonent_test_duration_seconds_bucket{le="0.005",method="GET",route="/api/health/live",status="200"} 1',
    );
  });
});
