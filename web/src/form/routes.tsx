// The form's screens: in an organisation's frame (/embed/{organisationId}) the form is the start screen;
// as a page of its own it is /app#/form/{organisationId}.
import { mount } from '../mount';
import { registerRoute } from '../router';
import { T } from '../text';
import { FormPage } from './FormPage';

export function registerFormRoutes(): void {
  if (mount.mode === 'embed' && mount.organisationId) {
    const organisationId = mount.organisationId;
    registerRoute({ pattern: '/', render: () => <FormPage organisationId={organisationId} />, nav: { label: T.nav.form, order: 10 } });
  }
  registerRoute({ pattern: '/form/:organisationId', render: (p) => <FormPage organisationId={p.organisationId} /> });
}
