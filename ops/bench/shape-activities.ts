// The appeal-shaped workflow's local activities (ops/bench/workflows.ts): no I/O, so that its rate
// counts Temporal's interactions alone.
export const shapeActivities = {
  async routeShaped(caseId: string): Promise<string> {
    return `organisation-of-${caseId.length}`;
  },
  async projectShaped(_caseId: string, _organisationId: string): Promise<void> {
    return undefined;
  },
};
export type ShapeActivities = typeof shapeActivities;
