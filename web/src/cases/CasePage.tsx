// One case of the applicant: status and term, the text, the timeline, the answer with its files, and what
// the applicant can do now (reply to a clarification request, rate the answer).
import { useEffect, useState } from 'preact/hooks';
import { api, call, fileUrl, type CaseDetail } from '../api';
import { signedIn, startSignIn } from '../auth';
import { Badge, Button, DateText, Loading, Notice } from '../components/ui';
import { errorsOf, FORM } from '../problems';
import { href } from '../router';
import { T } from '../text';
import { ClarificationReply, Rating } from './CaseActions';
import { useTimeZone } from './regions';
import { citizenTimeline, mainStatus, statusMarks } from './status';

function useOrganisationName(id: string | null): string | null {
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    if (id) call(() => api.GET('/organisations/{organisationId}', { params: { path: { organisationId: id } } })).then((o) => setName(o.name), () => setName(id));
  }, [id]);
  return name;
}

export function CasePage({ caseId }: { caseId: string }) {
  const [c, setCase] = useState<CaseDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (signedIn()) call(() => api.GET('/cases/{caseId}', { params: { path: { caseId } } })).then(setCase, (e) => setError(errorsOf(e)[FORM] ?? T.unexpected));
  }, [caseId]);
  const zone = useTimeZone(c?.regionId);
  const organisation = useOrganisationName(c?.organisationId ?? null);
  if (!signedIn()) return <section><p>{T.cases.signIn}</p><Button onClick={startSignIn}>{T.nav.signIn}</Button></section>;
  if (error) return <Notice kind="error">{error}</Notice>;
  if (!c || !zone) return <Loading />;
  const status = mainStatus(c);
  return (
    <article aria-labelledby="case-title" class="case">
      <p><a href={href('/cases')}>← {T.cases.back}</a></p>
      <h1 id="case-title">{c.id}</h1>
      <p class="badges" data-testid="case-status">
        <Badge tone={status.tone}>{status.label}</Badge>{statusMarks(c).map((m) => <Badge tone={m.tone}>{m.label}</Badge>)}
      </p>
      <dl class="facts">
        <dt>{T.cases.registered}</dt><dd><DateText iso={c.registeredAt} timeZone={zone} /></dd>
        {c.answerDueAt && c.status !== 'closed' && <><dt>{T.cases.due}</dt><dd><DateText iso={c.answerDueAt} timeZone={zone} /></dd></>}
        {organisation && <><dt>{T.cases.organisation}</dt><dd data-testid="case-organisation">{organisation}</dd></>}
        {c.round > 1 && <><dt>{T.status.repeat}</dt><dd>{T.cases.round(c.round)}</dd></>}
        {c.rating !== null && <><dt>{T.cases.ratingTitle}</dt><dd>{T.cases.ratingDone(c.rating)}</dd></>}
      </dl>
      <h2>{T.cases.text}</h2>
      <p class="prose">{c.text}</p>
      {c.address && <><h2>{T.cases.place}</h2><p>{c.address}</p></>}
      {c.answer && <Answer answer={c.answer} zone={zone} />}
      {c.status === 'clarification_requested' && !c.clarification?.reply && <ClarificationReply c={c} onDone={setCase} />}
      {c.status === 'answered' && c.rating === null && <Rating c={c} onDone={setCase} />}
      <Timeline c={c} zone={zone} />
    </article>
  );
}

function Answer({ answer, zone }: { answer: NonNullable<CaseDetail['answer']>; zone: string }) {
  return (
    <section class="card" aria-labelledby="answer-title">
      <h2 id="answer-title">{T.cases.answer} <span class="hint"><DateText iso={answer.answeredAt} timeZone={zone} /></span></h2>
      <p class="prose" data-testid="case-answer">{answer.text}</p>
      {answer.attachments.length > 0 && (
        <>
          <h3>{T.cases.answerFiles}</h3>
          <ul class="files">{answer.attachments.map((id) => <AnswerFile id={id} />)}</ul>
        </>
      )}
    </section>
  );
}

function AnswerFile({ id }: { id: string }) {
  const [meta, setMeta] = useState<{ fileName: string; url: string } | null>(null);
  useEffect(() => {
    call(() => api.GET('/attachments/{attachmentId}/meta', { params: { path: { attachmentId: id } } }))
      .then(async (m) => setMeta({ fileName: m.fileName, url: await fileUrl(id) }), () => undefined);
  }, [id]);
  return <li class="file">{meta ? <a href={meta.url} download={meta.fileName}>{T.cases.download(meta.fileName)}</a> : id}</li>;
}

function Timeline({ c, zone }: { c: CaseDetail; zone: string }) {
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">{T.cases.timeline}</h2>
      <ol class="timeline">
        {citizenTimeline(c).map((e) => {
          const ground = typeof e.details.ground === 'string' ? T.noAnswerGround[e.details.ground] : undefined;
          return (
            <li>
              <DateText iso={e.at} timeZone={zone} withTime /> — {T.event[e.type] ?? T.event.other}
              {ground && `: ${ground}`}
              {typeof e.details.rating === 'number' && ` (${T.cases.ratingShort(e.details.rating)})`}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
