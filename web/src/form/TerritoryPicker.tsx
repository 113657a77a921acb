// The place of the problem (municipal district, city, settlement), asked for when the subcategory goes to
// the administration of the place (Subcategory.needsTerritory): the API refuses such a case without one.
import { Field } from '../components/Field';
import { T } from '../text';
import type { EmbedForm } from './model';

interface Props {
  territories: EmbedForm['territories'];
  territoryId: string;
  error?: string;
  onChange: (territoryId: string) => void;
}

export function TerritoryPicker({ territories, territoryId, error, onChange }: Props) {
  return (
    <Field id="territory" label={T.form.territory} hint={T.form.territoryHint} error={error} required>
      {(describedBy, invalid) => (
        <select id="territory" value={territoryId} aria-describedby={describedBy} aria-invalid={invalid || undefined}
          onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{T.form.chooseTerritory}</option>
          {territories.map((t) => <option value={t.id}>{t.name}</option>)}
        </select>
      )}
    </Field>
  );
}
