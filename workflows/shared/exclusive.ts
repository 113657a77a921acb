// One transition at a time inside a workflow: update handlers and timer turns interleave at every
// await otherwise, and two of them could read the same state and both act on it.
//
// The lock is taken in the same synchronous step that finds it free. Handlers of updates delivered in
// one workflow task all start before any of them resumes from an await, so a lock checked, awaited and
// only then taken let each of them in; and one release can wake several waiters at once, so a waiter
// looks again when it wakes. A free lock costs no await: no promise for the SDK to follow (the worker
// records a stack trace for each one a workflow makes).
import { condition } from '@temporalio/workflow';

export function createExclusive() {
  let locked = false;
  return {
    get locked() {
      return locked;
    },
    async run<T>(fn: () => Promise<T>): Promise<T> {
      while (locked) await condition(() => !locked);
      locked = true;
      try {
        return await fn();
      } finally {
        locked = false;
      }
    },
  };
}
