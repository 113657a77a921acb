// Category and subcategory: two selects (the organisation's own categories first), and a search over both
// that fills them with one choice.
import { useState } from 'preact/hooks';
import { Field } from '../components/Field';
import { T } from '../text';
import { orderedCategories, searchClassifier, type EmbedForm } from './model';

interface Props {
  form: EmbedForm;
  categoryId: string;
  subcategoryId: string;
  error?: string;
  onChange: (categoryId: string, subcategoryId: string) => void;
}

export function CategoryPicker({ form, categoryId, subcategoryId, error, onChange }: Props) {
  const [query, setQuery] = useState('');
  const found = searchClassifier(form, query).slice(0, 8);
  const own = new Set(form.organisationCategoryIds);
  const cats = orderedCategories(form);
  const category = cats.find((c) => c.id === categoryId);
  const options = (list: typeof cats) => list.map((c) => <option value={c.id}>{c.name}</option>);
  return (
    <fieldset class="group">
      <legend>{T.form.category}</legend>
      <div class="field">
        <label for="category-search">{T.form.categorySearch}</label>
        <p class="hint" id="category-search-hint">{T.form.categorySearchHint}</p>
        <input id="category-search" type="search" value={query} aria-describedby="category-search-hint" aria-controls="category-results"
          onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
        <div id="category-results" aria-live="polite">
          {query.trim() && found.length === 0 && <p class="hint">{T.form.categoryNone}</p>}
          {found.length > 0 && (
            <ul class="results">
              {found.map(({ category: c, subcategory: s }) => (
                <li><button type="button" class="result" onClick={() => { onChange(c.id, s.id); setQuery(''); }}>
                  {c.name} → {s.name}
                </button></li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <Field id="category" label={T.form.category} required>
        {(describedBy) => (
          <select id="category" value={categoryId} aria-describedby={describedBy}
            onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value, '')}>
            <option value="">{T.form.chooseCategory}</option>
            {own.size > 0 ? (
              <>
                <optgroup label={T.form.orgCategories}>{options(cats.filter((c) => own.has(c.id)))}</optgroup>
                <optgroup label={T.form.otherCategories}>{options(cats.filter((c) => !own.has(c.id)))}</optgroup>
              </>
            ) : options(cats)}
          </select>
        )}
      </Field>
      <Field id="subcategory" label={T.form.subcategory} error={error} required>
        {(describedBy, invalid) => (
          <select id="subcategory" value={subcategoryId} disabled={!category} aria-describedby={describedBy} aria-invalid={invalid || undefined}
            onChange={(e) => onChange(categoryId, (e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{T.form.chooseSubcategory}</option>
            {category?.subcategories.map((s) => (
              <option value={s.id}>{s.name}{s.accelerated ? ` — ${T.form.accelerated(s.accelerated.termDays)}` : ''}</option>
            ))}
          </select>
        )}
      </Field>
    </fieldset>
  );
}
