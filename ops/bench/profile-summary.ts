// `npx tsx ops/bench/profile-summary.ts FILE.cpuprofile [--top N]`: where a process of the platform spent
// its CPU, from a V8 profile taken by `npm run bench -- --profile DIR`. Prints the time by area (a package
// in node_modules, a folder of the project, Node's internals, V8's garbage collector), then the functions
// with the most time of their own, then the project's functions with the most time including callees.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../embedded';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives: a package, a project folder, Node itself, or V8's own pseudo-frames. */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const file = url.replace(/^file:\/\//, '');
  if (file.startsWith(projectRoot)) return path.relative(projectRoot, file).split('/')[0] + '/';
  // The worker's workflow bundle runs in a V8 context of its own, under a name of the SDK's.
  return url.includes('workflow') ? 'workflow bundle' : url;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${path.relative(projectRoot, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
}

export interface ProfileSummary {
  totalMs: number;
  areas: Array<[string, number]>;
  self: Array<[string, number]>;
  projectInclusive: Array<[string, number]>;
}

/** Self time per area and per function, and inclusive time per project function (each counted once per stack). */
export function summarise(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const areas = new Map<string, number>();
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  const add = (m: Map<string, number>, k: string, ms: number) => m.set(k, (m.get(k) ?? 0) + ms);
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') return;
    total += ms;
    add(areas, areaOf(node.callFrame.url, node.callFrame.functionName), ms);
    add(self, frameName(node), ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at)!;
      const area = areaOf(n.callFrame.url, n.callFrame.functionName);
      if (!area.endsWith('/')) continue; // project folders only
      const name = frameName(n);
      if (!seen.has(name)) { seen.add(name); add(inclusive, name, ms); }
    }
  });
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { totalMs: total, areas: sorted(areas), self: sorted(self), projectInclusive: sorted(inclusive) };
}

function print(file: string, s: ProfileSummary): void {
  const pct = (ms: number) => `${((ms / s.totalMs) * 100).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(7)} ms`;
  console.log(`${file}: ${(s.totalMs / 1000).toFixed(1)} s of CPU (idle excluded)\n\nby area (self time):`);
  for (const [k, ms] of s.areas) console.log(`  ${pct(ms)}  ${k}`);
  console.log('\nfunctions, self time:');
  for (const [k, ms] of s.self) console.log(`  ${pct(ms)}  ${k}`);
  console.log('\nthe project\'s functions, including what they call:');
  for (const [k, ms] of s.projectInclusive) console.log(`  ${pct(ms)}  ${k}`);
}

if (require.main === module) {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true });
  if (positionals.length === 0) {
    console.error('Usage: npx tsx ops/bench/profile-summary.ts FILE.cpuprofile [FILE…] [--top N]');
    process.exit(2);
  }
  for (const file of positionals) print(file, summarise(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile, Number(values.top)));
}
