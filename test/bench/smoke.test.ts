// Smoke version of `npm run bench`: every measurement on tiny numbers (20 appeals, 20 minimal
// workflows, a burst of 5 terms), to keep the benchmark code working. It checks the shape of the report
// and that the values are sane, never how fast anything is.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../ops/embedded';
import { PRESETS, runBench } from '../../ops/bench/run';
import type { BenchReport } from '../../ops/bench/report';

describe('benchmarks: smoke run of ops/bench', function () {
  this.timeout(120_000);
  const resultsDir = path.join(projectRoot, '.test-data', `bench-smoke-results-${process.pid}`);
  const dataDir = path.join(projectRoot, '.test-data', `bench-smoke-${process.pid}`);
  let report: BenchReport;
  let files: { json: string; md: string };

  before(async () => {
    // The embedded default only: the real server's side is the same code on another platform.
    ({ report, files } = await runBench({ ...structuredClone(PRESETS.smoke), topologies: ['dev'] }, {
      resultsDir,
      dataDir,
      command: 'smoke test',
      log: () => undefined,
    }));
  });

  // runBench keeps the data folder of a platform that failed to start (its logs say why); the error
  // message quotes them, so the test removes it either way.
  after(() => {
    fs.rmSync(resultsDir, { recursive: true, force: true });
    for (const dir of [dataDir, `${dataDir}-dev`]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes the JSON and Markdown reports with machine, versions and settings', () => {
    const saved = JSON.parse(fs.readFileSync(files.json, 'utf8')) as BenchReport;
    assert.equal(saved.startedAt, report.startedAt);
    assert.ok(saved.machine.cpus > 0 && saved.machine.memoryGiB > 0 && saved.machine.cpuModel);
    assert.ok(saved.machine.shared.includes('load averages'));
    for (const name of ['node', 'temporal', 'postgres', '@temporalio/worker', 'otklik']) assert.ok(saved.versions[name], `version of ${name}`);
    assert.equal(saved.settings.scale, 'smoke');
    const md = fs.readFileSync(files.md, 'utf8');
    for (const heading of ['## Figures', '## Machine', '## Versions', '## Settings', '### Ceiling', '### Intake', '### POST /appeals latency', '### Case actions', '### Scale', '## Analytics']) {
      assert.ok(md.includes(heading), `the Markdown report has ${heading}`);
    }
    assert.match(md, /## Analytics at 2,000 cases/);
    const analytics = saved.results.analytics;
    assert.ok(analytics.measured && analytics.cases === 2000 && analytics.events > 2000 && analytics.rollupRows > 0);
    assert.equal(analytics.overall.count, analytics.queries.length * 2);
  });

  it('measures the ceiling and the intake with rates above zero', () => {
    const { ceiling, intake } = report.results;
    assert.ok(ceiling && intake);
    assert.equal(ceiling.completed, 20);
    assert.equal(ceiling.errors, 0);
    assert.ok(ceiling.perSecond > 0);
    assert.deepEqual([ceiling.shaped?.completed, ceiling.shaped?.errors], [20, 0], 'every appeal-shaped workflow registered');
    assert.ok(ceiling.shaped!.perSecond > 0);
    assert.ok(intake.peakPerSecond > 0);
    assert.ok(intake.ratioToCeiling > 0);
    assert.equal(intake.steps.reduce((a, s) => a + s.appeals, 0), 20);
  });

  it('finds every case answered with 201 in the read model, routed and with a term', () => {
    const { intake, latency, scale } = report.results;
    for (const rm of [intake!.readModel, latency!.readModel]) {
      assert.ok(rm.submitted > 0);
      assert.equal(rm.present, rm.submitted);
      assert.equal(rm.routed, rm.submitted);
      assert.equal(rm.withTerm, rm.submitted);
    }
    assert.equal(scale!.load.appeals, 20);
    assert.equal(scale!.load.errors, 0);
    const rated = report.results.actions!.find((a) => a.action === 'rate')!;
    const closed = rated.peak.ok + (rated.atHalf?.ok ?? 0); // a positive rating closes the case
    const all = intake!.readModel.submitted + latency!.readModel.submitted + scale!.load.appeals;
    assert.equal(scale!.afterLoad.openCasesInReadModel, all - closed, 'every appeal of the run but the rated ones is open in the read model');
  });

  it('takes, answers and rates cases, each at its peak and at half of it, without errors', () => {
    const actions = report.results.actions!;
    assert.deepEqual(actions.map((a) => a.action), ['take', 'answer', 'rate']);
    for (const a of actions) {
      assert.ok(a.peak.ok > 0 && a.peak.errors === 0, JSON.stringify(a));
      assert.ok(a.atHalf && a.atHalf.ok > 0 && a.atHalf.errors === 0, JSON.stringify(a));
    }
    assert.ok(actions[1].peak.ok + actions[1].atHalf!.ok <= actions[0].peak.ok + actions[0].atHalf!.ok, 'only taken cases are answered');
  });

  it('measures intake with the scale open, the stores per case and the worker cache', () => {
    const s = report.results.scale!;
    assert.ok(s.intakeAtScale.appeals > 0 && s.intakeAtScale.errors === 0);
    assert.ok(s.perCaseKiB.temporal !== null && s.perCaseKiB.temporal >= 0 && s.perCaseKiB.postgres !== null && s.perCaseKiB.postgres >= 0);
    assert.ok(s.cache && s.cache.hits + s.cache.misses > 0, `the worker's cache metrics: ${JSON.stringify(s.cache)}`);
    assert.match(fs.readFileSync(files.md, 'utf8'), /\| Intake \/ ceiling \| ≥ 0\.7 \|/);
  });

  it('reports latency percentiles in order', () => {
    const l = report.results.latency!.latency;
    assert.ok(l.count > 0);
    assert.ok(l.p50Ms > 0 && l.p50Ms <= l.p95Ms && l.p95Ms <= l.p99Ms && l.p99Ms <= l.maxMs, JSON.stringify(l));
    for (const step of report.results.intake!.steps) {
      assert.ok(step.latency.p50Ms <= step.latency.p95Ms && step.latency.p95Ms <= step.latency.p99Ms);
    }
  });

  it('samples the worker memory and fires the burst of terms', () => {
    const s = report.results.scale!;
    assert.ok(s.afterLoad.workerRssMiB! > 0 && s.afterWait.workerRssMiB! > 0);
    assert.ok(s.afterLoad.postgresDbMiB > 0 && s.afterLoad.temporalDbMiB > 0);
    assert.equal(s.burst.cases, 5);
    assert.equal(s.burst.overrides.ok, 5);
    assert.ok(s.burst.slackSeconds > 0, 'every override was in before T');
    assert.equal(s.burst.sample?.cases, 5, 'the lead is set from a sample of the burst (all 5 here: 20 at least)');
    assert.ok(s.burst.sample!.perSecond > 0, 'the sample\'s overrides were accepted');
    assert.equal(s.burst.overdue, 5);
    assert.equal(s.burst.fired.count, 5);
    assert.equal(s.burst.shown, 5);
    assert.ok(s.burst.allShownAfterSeconds !== null && s.burst.allShownAfterSeconds >= 0);
    assert.ok(s.burst.allFlaggedAfterSeconds !== null && s.burst.allFlaggedAfterSeconds >= s.burst.allShownAfterSeconds, 'shown before or with the workflows\' steps');
    assert.ok(s.burst.fired.p50Ms >= 0, 'no timer fires before its term');
    assert.ok(s.burst.drainPerSecond! > 0);
    for (const part of [s.loadCpuPercent, s.idleCpuPercent, ...report.results.intake!.steps.map((x) => x.cpuPercent)]) {
      for (const [name, value] of Object.entries(part)) assert.ok(value === undefined || value >= 0, `CPU of ${name}: ${value}`);
    }
  });
});
