// What the form works with, from the API's types, and the rules it checks before sending (the API checks
// them again: these only spare a round trip).
import type { Schemas } from '../api';
import type { FieldErrors } from '../problems';
import { T } from '../text';
import type { Draft } from './draft';

export type CaseKind = Schemas['CaseKind'];
export type EmbedForm = Schemas['EmbedForm'];
export type Category = Schemas['Category'];
export type Subcategory = Schemas['Subcategory'];
export type AppealSubmission = Schemas['AppealSubmission'];

/** LongText's maxLength in the spec. */
export const TEXT_MAX = 10000;

/** Whether the draft's subcategory goes to the administration of the place, so that the place must be named. */
export function needsPlace(form: EmbedForm, d: Draft): boolean {
  const sub = form.classifier.categories.find((c) => c.id === d.categoryId)?.subcategories.find((s) => s.id === d.subcategoryId);
  return sub?.needsTerritory ?? false;
}

/** Errors the form can see by itself, by the API's pointers. */
export function localErrors(form: EmbedForm, d: Draft): FieldErrors {
  const errors: FieldErrors = {};
  const required = T.fieldErrors.required;
  if (!d.subcategoryId) errors['/subcategoryId'] = T.form.chooseSubcategory;
  if (needsPlace(form, d) && !d.territoryId) errors['/territoryId'] = T.form.chooseTerritory;
  if (!d.text.trim()) errors['/text'] = required;
  if (!d.name.trim()) errors['/applicant/name'] = required;
  // 59-FZ: an appeal needs an address for the answer, postal or electronic.
  if (d.kind === 'appeal' && !d.email.trim() && !d.postalAddress.trim()) errors['/applicant/email'] = required;
  return errors;
}

/** The request body of POST /appeals from a draft; the place only where the subcategory asks for it. */
export function submissionOf(form: EmbedForm, d: Draft): AppealSubmission {
  const opt = (s: string) => (s.trim() ? s.trim() : undefined);
  return {
    channel: d.channel,
    kind: d.kind, regionId: form.region.id, subcategoryId: d.subcategoryId, text: d.text.trim(),
    territoryId: needsPlace(form, d) && d.territoryId ? d.territoryId : undefined,
    address: opt(d.address), location: d.location ?? undefined,
    applicant: { name: d.name.trim(), email: opt(d.email), postalAddress: opt(d.postalAddress) },
    attachments: d.files.length ? d.files.map((f) => f.id) : undefined,
  };
}

/** Categories with the organisation's own first; a search narrows them to matching subcategories. */
export function searchClassifier(form: EmbedForm, query: string): { category: Category; subcategory: Subcategory }[] {
  const q = query.trim().toLocaleLowerCase('ru');
  if (!q) return [];
  const out: { category: Category; subcategory: Subcategory }[] = [];
  for (const category of orderedCategories(form)) {
    for (const subcategory of category.subcategories) {
      if (`${category.name} ${subcategory.name}`.toLocaleLowerCase('ru').includes(q)) out.push({ category, subcategory });
    }
  }
  return out;
}

export function orderedCategories(form: EmbedForm): Category[] {
  const own = new Set(form.organisationCategoryIds);
  const cats = form.classifier.categories;
  return [...cats.filter((c) => own.has(c.id)), ...cats.filter((c) => !own.has(c.id))];
}
