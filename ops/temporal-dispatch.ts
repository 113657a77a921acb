// How the platform's Temporal servers hand tasks to workers: dynamic settings given to the embedded dev
// server (ops/embedded.ts, as --dynamic-config-value) and to the real server (ops/temporal-server.ts, in
// its dynamic configuration file). docs/deployment.md says the same for a production cluster.

/**
 * Temporal's defaults are made for clusters that run thousands of tasks a second on each task queue.
 * A region's platform runs tens, and with those defaults a task waits for a poll slot before a worker
 * sees it, which is most of a short request's time (measured on the embedded default, one client:
 * a minimal workflow's start to result 50 ms with the defaults, 13 ms with these):
 *
 * - `history.transferProcessorMaxPollRPS` (default 20): each history shard reads its queue of new
 *   tasks (a new workflow's first task, an activity, a fired timer's workflow task) at most 20 times a
 *   second, so a task waited up to 50 ms before it reached matching. Reads still happen only when there
 *   is something new, so at a higher cap a busy shard reads smaller batches more often instead.
 * - `matching.numTaskqueue{Read,Write}Partitions` (default 4): a task queue split in four, and a task
 *   written to a partition that no poller was waiting on sat there until it was forwarded to one that
 *   had (streaks of 70–90 ms). One partition serves far more than a region's rate; more are for queues
 *   of thousands of tasks a second.
 */
export const TASK_DISPATCH_SETTINGS: Readonly<Record<string, number>> = {
  'history.transferProcessorMaxPollRPS': 1000,
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
};
