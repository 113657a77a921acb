// probe (uncommitted): an appeal's history events and their encoded sizes.
import os from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { closedLoop, prepareLoad, submitNext } from './load';
import { startPlatform } from './platform';

async function main() {
  const platform = await startPlatform({ dataDir: path.join(os.tmpdir(), 'otklik-sz'), topology: 'dev', log: () => undefined });
  try {
    const load = await prepareLoad(platform.db, platform.apiUrl, { citizens: 20 });
    await closedLoop(1, { count: 3 }, () => submitNext(load));
    const s = await submitNext(load);
    const hist = await platform.temporal.workflow.getHandle(s.caseId!).fetchHistory();
    let total = 0;
    for (const e of hist.events ?? []) {
      const bytes = temporal.api.history.v1.HistoryEvent.encode(e as never).finish().length;
      total += bytes;
      console.log(String(e.eventType).replace('EVENT_TYPE_', ''), bytes);
    }
    console.log('total', total);
    const started = hist.events![0].workflowExecutionStartedEventAttributes!;
    console.log(Buffer.from(started.input!.payloads![0].data!).toString().slice(0, 4000));
  } finally {
    await platform.stop();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
