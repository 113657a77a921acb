// The form's draft, kept in sessionStorage (this tab) as the person types: it survives the trip to the
// identity provider and back, a reload and a lost connection. Its Idempotency-Key is made with the draft
// and reused for every try until the case is registered, so a repeated click or a retry after a lost
// answer never registers a second case; only success clears the draft and its key.
import type { CaseKind } from './model';

export interface UploadedFile {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
}

export interface Draft {
  idempotencyKey: string;
  kind: CaseKind;
  categoryId: string;
  subcategoryId: string;
  text: string;
  address: string;
  location: { latitude: number; longitude: number } | null;
  name: string;
  email: string;
  postalAddress: string;
  files: UploadedFile[];
}

const keyOf = (organisationId: string) => `otklik.draft.${organisationId}`;

export function newDraft(): Draft {
  return {
    idempotencyKey: `web-${crypto.randomUUID()}`, kind: 'message', categoryId: '', subcategoryId: '', text: '', address: '',
    location: null, name: '', email: '', postalAddress: '', files: [],
  };
}

export function loadDraft(organisationId: string): Draft {
  const raw = sessionStorage.getItem(keyOf(organisationId));
  return raw ? { ...newDraft(), ...(JSON.parse(raw) as Partial<Draft>) } : newDraft();
}

export function saveDraft(organisationId: string, draft: Draft): void {
  sessionStorage.setItem(keyOf(organisationId), JSON.stringify(draft));
}

export function clearDraft(organisationId: string): void {
  sessionStorage.removeItem(keyOf(organisationId));
}
