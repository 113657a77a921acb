// A timer for a workflow's next deadline that outlives the transitions which leave the deadline where it
// was. Waiting with `condition(changed, timeout)` after every transition starts a timer and cancels the
// one before whatever moved: two history events more per transition (TimerStarted, TimerCanceled), and
// a dozen or more promises, each of which the SDK follows with a source-mapped stack trace (for its
// stack-trace query). A transition that leaves the next deadline where it was (a take into work, for
// one) now costs a plain `condition`; one that moves it (an answer opens the rating window) replaces the
// timer as before. Deterministic: workflow time and the SDK's own timers only.
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';

interface Running {
  at: number;
  fired: boolean;
  scope: CancellationScope;
}

export class DeadlineTimer {
  private running: Running | undefined;

  /**
   * Aims the timer at `at` (epoch milliseconds; undefined: no deadline). A timer already running for that
   * instant is kept; otherwise the one running is cancelled and a new one started (at once, if `at` has
   * passed: the earliest a timer may fire).
   */
  aim(at: number | undefined): void {
    if (this.running && !this.running.fired && this.running.at === at) return;
    if (this.running && !this.running.fired) this.running.scope.cancel();
    this.running = undefined;
    if (at === undefined) return;
    const running: Running = { at, fired: false, scope: new CancellationScope() };
    this.running = running;
    running.scope.run(() => sleep(Math.max(1, at - Date.now()))).then(
      () => { running.fired = true; },
      (e: unknown) => { if (!isCancellation(e)) throw e; },
    );
  }

  /** Whether the deadline the timer was last aimed at has come. */
  get fired(): boolean {
    return this.running?.fired === true;
  }
}
