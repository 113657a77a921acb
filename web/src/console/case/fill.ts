// Fills an answer template of the organisation from the case: {{applicantName}}, {{caseId}},
// {{registeredAt}}, {{answerDueAt}}, {{today}}, {{organisationName}}. Unknown placeholders stay as they
// are, for the operator to see. Pure: the same template, case and day give the same text.
export interface TemplateFacts {
  applicantName: string | null;
  caseId: string;
  registeredAt: string;
  answerDueAt: string | null;
  today: string;
  organisationName: string | null;
}

export function fillTemplate(template: string, facts: TemplateFacts): string {
  return template.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (whole, name: string) => {
    const value = (facts as unknown as Record<string, string | null | undefined>)[name];
    return value === undefined ? whole : value ?? '—';
  });
}
