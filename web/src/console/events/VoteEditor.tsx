// A vote's settings in the event editor: the kind (one project; approval of up to N; a budget with the
// rule greedy or the Method of Equal Shares), the projects with name, description and cost, and whether
// citizens may propose projects before the vote opens.
import { TextArea } from '../../components/Field';
import { T } from '../../text';
import { Input, Select } from '../components';
import { Check, ListEditor } from './ListEditor';
import type { Errors } from './PollEditor';
import { EMPTY_PROJECT, type VoteForm, type VoteKind, type WinnerRule } from './settings';

const V = T.console.events.editor;

export function VoteEditor({ v, onChange, error }: { v: VoteForm; onChange: (v: VoteForm) => void; error: Errors }) {
  const put = <K extends keyof VoteForm>(k: K) => (x: VoteForm[K]) => onChange({ ...v, [k]: x });
  const e = (f: string) => error(`/settings${f}`);
  const rules = Object.entries(V.rules).filter(([r]) => v.kind !== 'budget' || r !== 'most_votes');
  const rule = v.kind === 'budget' && v.rule === 'most_votes' ? 'greedy' : v.rule;
  const budgeted = v.kind === 'budget' || (v.kind === 'approval' && rule !== 'most_votes');
  return (
    <>
      <fieldset class="group">
        <legend>{V.voteRules}</legend>
        <div class="inline-form">
          <Select id="vote-kind" label={V.voteKind} value={v.kind} onChange={(x) => put('kind')(x as VoteKind)} options={Object.entries(V.voteKinds)} error={e('/kind')} />
          {v.kind === 'approval' && <Input id="vote-max-approvals" type="number" min={1} max={1000} label={V.maxApprovals} hint={V.maxApprovalsHint} value={v.maxApprovals} onInput={put('maxApprovals')} error={e('/maxApprovals')} />}
          {v.kind !== 'single_choice' && <Select id="vote-rule" label={V.rule} value={rule} onChange={(x) => put('rule')(x as WinnerRule)} options={rules} error={e('/rule')} />}
          {v.kind !== 'single_choice' && rule === 'most_votes' && <Input id="vote-seats" type="number" min={1} max={1000} label={V.seats} hint={V.seatsHint} value={v.seats} onInput={put('seats')} error={e('/seats')} />}
          {budgeted && <Input id="vote-budget" type="number" min={1} label={V.budget} value={v.budget} onInput={put('budget')} required error={e('/budget')} />}
        </div>
        <p class="hint">{V.ruleHints[rule] ?? V.ruleHints.single}</p>
        <Check id="vote-accepts" label={V.acceptsProjects} hint={V.acceptsProjectsHint} checked={v.acceptsProjects} onChange={put('acceptsProjects')} />
        {v.acceptsProjects && <Input id="vote-projects-close" type="datetime-local" step={1} label={V.projectsCloseAt} hint={V.projectsCloseAtHint} value={v.projectsCloseAt} onInput={put('projectsCloseAt')} error={e('/projectsCloseAt')} />}
      </fieldset>
      <ListEditor id="vote-projects" label={V.projects} items={v.projects} onChange={put('projects')} blank={EMPTY_PROJECT} addLabel={V.addProject} min={v.acceptsProjects ? 0 : 1}>
        {(p, i, set) => (
          <div class="project-editor">
            <Input id={`p${i + 1}-name`} label={V.projectName(i + 1)} value={p.name} onInput={(name) => set({ ...p, name })} required error={e(`/projects/${i}/name`)} />
            <TextArea id={`p${i + 1}-description`} label={V.projectDescription} value={p.description} onInput={(description) => set({ ...p, description })} rows={2} maxLength={10000} error={e(`/projects/${i}/description`)} />
            <Input id={`p${i + 1}-cost`} type="number" min={0} label={V.cost} hint={V.costHint} value={p.cost} onInput={(cost) => set({ ...p, cost })} required={budgeted} error={e(`/projects/${i}/cost`)} />
          </div>
        )}
      </ListEditor>
    </>
  );
}
