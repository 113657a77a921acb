// How the platform's Temporal servers hand tasks to workers: dynamic settings given to the embedded dev
// server (ops/embedded.ts, as --dynamic-config-value) and to the real server (ops/temporal-server.ts, in
// its dynamic configuration file). docs/deployment.md says the same for a production cluster.

/**
 * Temporal's defaults are made for clusters that run thousands of tasks a second on each task queue.
 * A region's platform runs tens, and with those defaults a task waits for a poll slot before a worker
 * sees it, which is most of a short request's time (measured on the embedded default, one client:
 * a minimal workflow's start to result 50 ms with the defaults, 13 ms with both settings below and the
 * read partitions at one too, a few ms more with those left at four; docs/benchmarks.md):
 *
 * - `history.transferProcessorMaxPollRPS` (default 20): each history shard reads its queue of new
 *   tasks (a new workflow's first task, an activity, a fired timer's workflow task) at most 20 times a
 *   second, so a task waited up to 50 ms before it reached matching. Reads are made when new tasks are
 *   written (and once in a while besides), so at a higher cap a busy shard reads the same tasks in
 *   smaller batches, more often.
 * - `matching.numTaskqueueWritePartitions` (default 4): a task queue split in four, and a task written
 *   to a partition that no poller was waiting on sat there until it was forwarded to one that had
 *   (streaks of 70–90 ms). New tasks now go to one partition, which serves far more than a region's
 *   rate. The read partitions stay at four: pollers of the other three pass their polls on to it, and
 *   tasks an earlier version left on them (an embedded default's SQLite file, a running cluster) are
 *   still read. Lowering the reads too, once those are drained, saves a few milliseconds more.
 */
export const TASK_DISPATCH_SETTINGS: Readonly<Record<string, number>> = {
  'history.transferProcessorMaxPollRPS': 1000,
  'matching.numTaskqueueWritePartitions': 1,
};
