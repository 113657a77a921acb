// Workflows for exclusive.test.ts only: the lock of workflows/shared/exclusive.ts under the interleavings
// a workflow meets (two transitions started in one step, as two updates delivered in one workflow task
// start; several waiters woken by one release).
import { sleep } from '@temporalio/workflow';
import { createExclusive } from '../../workflows/shared/exclusive';

/** Starts `n` transitions in one synchronous step, each holding the lock across a timer; returns the most inside at once and the order they ran in. */
export async function exclusiveProbe(n: number): Promise<{ mostInside: number; order: number[] }> {
  const lock = createExclusive();
  let inside = 0;
  let mostInside = 0;
  const order: number[] = [];
  const transition = (i: number) => lock.run(async () => {
    inside++;
    mostInside = Math.max(mostInside, inside);
    order.push(i);
    await sleep(1000);
    inside--;
  });
  await Promise.all(Array.from({ length: n }, (_, i) => transition(i)));
  return { mostInside, order };
}
