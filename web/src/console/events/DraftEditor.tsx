// A discussion's draft as numbered points (added, edited, removed, reordered) and the term of the answers
// to proposals; a hearing's date, place, subject and the terms of its announcement, protocol and conclusion.
import { TextArea } from '../../components/Field';
import { T } from '../../text';
import { Input } from '../components';
import { ListEditor } from './ListEditor';
import type { Errors } from './PollEditor';
import type { DiscussionForm, HearingForm } from './settings';

const V = T.console.events.editor;

export function DiscussionEditor({ d, onChange, error }: { d: DiscussionForm; onChange: (d: DiscussionForm) => void; error: Errors }) {
  return (
    <>
      <ListEditor id="draft-points" label={V.points} items={d.points} onChange={(points) => onChange({ ...d, points })} blank="" addLabel={V.addPoint}>
        {(text, i, set) => <TextArea id={`point-${i + 1}`} label={V.point(i + 1)} value={text} onInput={set} required rows={3} maxLength={20000} />}
      </ListEditor>
      {error('/settings/draftText') && <p class="error" role="alert">{error('/settings/draftText')}</p>}
      <Input id="discussion-answer-days" type="number" min={1} max={366} label={V.answerTermDays} hint={V.answerTermHint} value={d.answerTermDays}
        onInput={(answerTermDays) => onChange({ ...d, answerTermDays })} required error={error('/settings/answerTermDays')} />
    </>
  );
}

export function HearingEditor({ h, onChange, error }: { h: HearingForm; onChange: (h: HearingForm) => void; error: Errors }) {
  const put = (k: keyof HearingForm) => (x: string) => onChange({ ...h, [k]: x });
  const e = (f: keyof HearingForm) => error(`/settings/${f}`);
  const days = (k: 'announceDaysBefore' | 'protocolTermDays' | 'conclusionTermDays', min: number) =>
    <Input id={`hearing-${k}`} type="number" min={min} max={366} label={V[k]} value={h[k]} onInput={put(k)} required error={e(k)} />;
  return (
    <fieldset class="group">
      <legend>{V.hearing}</legend>
      <p class="hint">{V.hearingHint}</p>
      <Input id="hearing-subject" label={V.subject} value={h.subject} onInput={put('subject')} required error={e('subject')} />
      <Input id="hearing-at" type="datetime-local" label={V.hearingAt} value={h.hearingAt} onInput={put('hearingAt')} required error={e('hearingAt')} />
      <Input id="hearing-place" label={V.place} value={h.place} onInput={put('place')} required error={e('place')} />
      <div class="inline-form">{days('announceDaysBefore', 0)}{days('protocolTermDays', 1)}{days('conclusionTermDays', 1)}</div>
    </fieldset>
  );
}
