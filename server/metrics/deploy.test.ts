import { readFileSync } from 'node:fs';

import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import type { Database } from '../db/client.js';
import { createAppMetrics } from './db-metrics.js';
import { processRegistry } from './metrics.js';

/**
 * deploy/ holds the Grafana dashboard and the Prometheus alert rules. promtool is not at hand, so this
 * checks them the way it would matter in production: every expression parses as PromQL (the Prometheus
 * project's own grammar, @prometheus-io/lezer-promql), every metric and label it names is exported by
 * the app, and the files have the structure Grafana and Prometheus load.
 */
const deploy = (p: string) => readFileSync(new URL(`../../deploy/${p}`, import.meta.url), 'utf8');

/** Labels Prometheus itself puts on every scraped series, and its own `up` series. */
const TARGET_LABELS = ['job', 'instance'];
const PROMETHEUS_OWN: Record<string, string[]> = { up: [] };

interface Exported {
  type: string;
  labels: string[];
}

function exportedMetrics(): Map<string, Exported> {
  // The gauges read from the database are declared when an app's metrics are created (no query runs).
  const app = createAppMetrics({} as Database, { processMetrics: true });
  const out = new Map<string, Exported>();
  for (const m of [...processRegistry.getMetricsAsArray(), ...app.registry.getMetricsAsArray()]) {
    const metric = m as unknown as { name: string; type: string; labelNames?: readonly string[] };
    out.set(metric.name, { type: String(metric.type), labels: [...(metric.labelNames ?? [])] });
  }
  return out;
}

const exported = exportedMetrics();

/** The metric a series name refers to (a histogram's _bucket/_count/_sum are its parts). */
function resolve(series: string): { name: string; labels: string[] } | null {
  if (PROMETHEUS_OWN[series]) return { name: series, labels: PROMETHEUS_OWN[series] };
  const direct = exported.get(series);
  if (direct) return { name: series, labels: direct.labels };
  const m = /^(.*)_(bucket|count|sum)$/.exec(series);
  const base = m ? exported.get(m[1]!) : undefined;
  if (!m || !base || !['histogram', 'summary'].includes(base.type)) return null;
  return { name: m[1]!, labels: m[2] === 'bucket' ? [...base.labels, 'le'] : base.labels };
}

interface Checked {
  metrics: string[];
  /** Labels a result of the expression may carry (for alert annotation templates). */
  labels: Set<string>;
}

/** Parses a PromQL expression and checks its metric and label names; returns what it refers to. */
function checkExpr(expr: string, where: string): Checked {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const metrics: string[] = [];
  const labels = new Set<string>(TARGET_LABELS);
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError) errors.push(`syntax error at ${ref.from}: …${expr.slice(ref.from, ref.from + 20)}`);
      if (ref.name !== 'VectorSelector') return;
      const node = ref.node;
      const id = node.getChild('Identifier');
      if (!id) return;
      const name = text(id);
      const metric = resolve(name);
      if (!metric) {
        errors.push(`metric ${name} is not exported`);
        return;
      }
      metrics.push(metric.name);
      for (const l of metric.labels) labels.add(l);
      const matchers = node.getChild('LabelMatchers');
      const matcherLabels = matchers ? collect(matchers, 'LabelName').map(text) : [];
      for (const l of matcherLabels) {
        if (!metric.labels.includes(l) && !TARGET_LABELS.includes(l)) errors.push(`${name} has no label ${l}`);
      }
    },
  });
  tree.iterate({
    enter: (ref) => {
      if (ref.name !== 'GroupingLabels') return;
      for (const l of collect(ref.node, 'LabelName').map(text)) {
        if (!labels.has(l)) errors.push(`grouping by ${l}, which none of its metrics has`);
      }
    },
  });
  expect(errors, `${where}: ${expr}`).toEqual([]);
  expect(metrics.length, `${where}: names no metric`).toBeGreaterThan(0);
  return { metrics, labels };
}

function collect(node: SyntaxNode, type: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const cursor = node.cursor();
  const walk = (): void => {
    if (cursor.name === type) out.push(cursor.node);
    if (cursor.firstChild()) {
      do walk();
      while (cursor.nextSibling());
      cursor.parent();
    }
  };
  walk();
  return out;
}

describe('deploy/prometheus/abonent-alerts.yml', () => {
  const doc = parseYaml(deploy('prometheus/abonent-alerts.yml')) as {
    groups: {
      name: string;
      rules: {
        alert: string;
        expr: string;
        for?: string;
        labels: Record<string, string>;
        annotations: Record<string, string>;
      }[];
    }[];
  };

  it('is a rule file of named groups of well-formed alerts', () => {
    expect(doc.groups.length).toBeGreaterThan(0);
    expect(new Set(doc.groups.map((g) => g.name)).size).toBe(doc.groups.length);
    const alerts = doc.groups.flatMap((g) => g.rules);
    expect(new Set(alerts.map((a) => a.alert)).size).toBe(alerts.length);
    for (const a of alerts) {
      expect(a.alert).toMatch(/^Abonent[A-Z][A-Za-z]+$/);
      expect(typeof a.expr).toBe('string');
      if (a.for !== undefined) expect(a.for).toMatch(/^\d+[smhd]$/);
      expect(['warning', 'critical']).toContain(a.labels.severity);
      expect(a.annotations.summary, a.alert).toBeTruthy();
    }
  });

  it('has every expression parse, name exported metrics and labels, and template only labels it keeps', () => {
    for (const a of doc.groups.flatMap((g) => g.rules)) {
      const { labels } = checkExpr(a.expr, a.alert);
      for (const text of Object.values(a.annotations)) {
        for (const [, l] of text.matchAll(/\$labels\.([a-z_]+)/g)) {
          expect(labels.has(l!), `${a.alert} annotation uses $labels.${l}`).toBe(true);
        }
      }
    }
  });

  it('pages for the billing day, the job queue, the outbox, receipts and the network', () => {
    const names = doc.groups.flatMap((g) => g.rules.map((r) => r.alert));
    for (const n of [
      'AbonentBillingDayNotFinished',
      'AbonentJobQueueStuck',
      'AbonentJobsDead',
      'AbonentOutboxFailures',
      'AbonentReceiptsFailing',
      'AbonentRadiusAuthorizeSlow',
      'AbonentRadiusRejectsSpike',
      'AbonentBlockNotAppliedOnNas',
      'AbonentCoaGivenUp',
    ]) {
      expect(names).toContain(n);
    }
  });

  it('matches the example scrape configuration (job "abonent", the rule file loaded)', () => {
    const prom = parseYaml(deploy('prometheus/prometheus.yml')) as {
      rule_files: string[];
      scrape_configs: { job_name: string }[];
    };
    expect(prom.rule_files).toContain('abonent-alerts.yml');
    expect(prom.scrape_configs.map((s) => s.job_name)).toContain('abonent');
  });
});

describe('deploy/grafana/abonent-dashboard.json', () => {
  interface Panel {
    id: number;
    type: string;
    title: string;
    gridPos: { x: number; y: number; w: number; h: number };
    datasource?: { type: string; uid: string };
    targets?: { refId: string; expr: string; datasource?: { uid: string } }[];
  }
  const dash = JSON.parse(deploy('grafana/abonent-dashboard.json')) as {
    title: string;
    uid: string;
    schemaVersion: number;
    templating: { list: { name: string; type: string; query: unknown }[] };
    panels: Panel[];
  };

  it('is a dashboard Grafana imports: ids unique, panels on the 24-column grid without overlapping', () => {
    expect(dash.title).toBe('Abonent');
    expect(dash.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(dash.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(new Set(dash.panels.map((p) => p.id)).size).toBe(dash.panels.length);
    for (const p of dash.panels) {
      const g = p.gridPos;
      expect(g.x >= 0 && g.w > 0 && g.h > 0 && g.x + g.w <= 24 && g.y >= 0, `${p.title}`).toBe(true);
    }
    for (const [i, a] of dash.panels.entries()) {
      for (const b of dash.panels.slice(i + 1)) {
        const overlap =
          a.gridPos.x < b.gridPos.x + b.gridPos.w &&
          b.gridPos.x < a.gridPos.x + a.gridPos.w &&
          a.gridPos.y < b.gridPos.y + b.gridPos.h &&
          b.gridPos.y < a.gridPos.y + a.gridPos.h;
        expect(overlap, `${a.title} overlaps ${b.title}`).toBe(false);
      }
    }
  });

  it('queries the chosen Prometheus with valid PromQL over exported metrics', () => {
    const vars = new Set(dash.templating.list.map((v) => v.name));
    expect(dash.templating.list.find((v) => v.name === 'datasource')?.type).toBe('datasource');
    for (const p of dash.panels.filter((x) => x.type !== 'row')) {
      expect(p.datasource?.uid, p.title).toBe('${datasource}');
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      expect(new Set(p.targets!.map((t) => t.refId)).size).toBe(p.targets!.length);
      for (const t of p.targets!) {
        for (const [, v] of t.expr.matchAll(/\$(\w+)/g)) expect(vars.has(v!), `${p.title}: $${v}`).toBe(true);
        checkExpr(t.expr, p.title);
      }
    }
  });

  it('shows what operators watch: latency, queue, billing, payments, outbox, database pool, RADIUS and CoA', () => {
    const used = new Set(
      dash.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => checkExpr(t.expr, p.title).metrics)),
    );
    for (const m of [
      'abonent_http_request_duration_seconds',
      'abonent_job_queue_depth',
      'abonent_job_queue_oldest_age_seconds',
      'abonent_billing_run_duration_seconds',
      'abonent_billing_charges_total',
      'abonent_billing_days_behind',
      'abonent_payments_total',
      'abonent_outbox_backlog',
      'abonent_outbox_deliveries_total',
      'abonent_receipts_unfinished',
      'abonent_db_pool_connections',
      'abonent_radius_request_duration_seconds',
      'abonent_radius_auth_total',
      'abonent_radius_sessions_open',
      'abonent_radius_spool_records',
      'abonent_radius_directory_age_seconds',
      'abonent_coa_requests_total',
      'abonent_coa_naks_total',
      'abonent_coa_given_up_total',
      'abonent_network_block_pending_seconds',
    ]) {
      expect(used.has(m), m).toBe(true);
    }
  });
});
