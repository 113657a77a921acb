// The benchmark's own workflow bundle (not the platform's): the smallest workflow there is, to measure
// how fast the Temporal server starts, schedules and completes a workflow with nothing else in the way.
export async function minimalWorkflow(): Promise<string> {
  return 'done';
}
