// The Russian text of report files (CSV/XLSX): the column headers, sheet names and coded values staff see
// when they open an export in Excel, in one place. A report's tables name their columns and values as the
// report's JSON does (domain/monitoring/report-sheets.ts, domain/exports/case-list.ts), so the API and its
// code keep one vocabulary; the writer (table.ts) puts these titles in the file. A field that means
// something else on one sheet has a title for `<sheet>:<field>`, which comes first. A field without a
// title keeps its JSON name in the file (test/unit/monitoring-reports.test.ts checks that the platform's
// reports have all). An indicator's column is titled as the console titles it: its definition's titleRu
// (domain/monitoring/definitions.ts).
import { ALL_INDICATORS } from '../monitoring/definitions';

export const COLUMN_TITLES: Readonly<Record<string, string>> = {
  // Readiness of cabinets by municipal district (the Altai letter's table).
  territoryId: 'Код территории',
  territoryName: 'Муниципальный район (округ)',
  territoryKind: 'Вид территории',
  organisationKind: 'Вид организации',
  created: 'Создано кабинетов',
  withActiveOperator: 'С активным оператором',
  withEmbeddedForm: 'С формой на сайте',
  withHandledCase: 'С рассмотренным обращением',
  ready: 'Готовы к работе',
  readyShare: 'Доля готовых',
  'previous.created': 'Создано кабинетов (месяц сравнения)',
  'previous.withActiveOperator': 'С активным оператором (месяц сравнения)',
  'previous.withEmbeddedForm': 'С формой на сайте (месяц сравнения)',
  'previous.withHandledCase': 'С рассмотренным обращением (месяц сравнения)',
  'previous.ready': 'Готовы к работе (месяц сравнения)',
  'previous.readyShare': 'Доля готовых (месяц сравнения)',
  // Problem analysis.
  dimension: 'Разрез',
  id: 'Код',
  name: 'Наименование',
  'current.received': 'Поступило',
  'current.lowRatings': 'Низких оценок',
  'current.repeatProcessing': 'Повторных рассмотрений',
  'current.overdue': 'Просрочено',
  'current.problems': 'Проблем всего',
  'previous.received': 'Поступило (прошлый период)',
  'previous.lowRatings': 'Низких оценок (прошлый период)',
  'previous.repeatProcessing': 'Повторных рассмотрений (прошлый период)',
  'previous.overdue': 'Просрочено (прошлый период)',
  'previous.problems': 'Проблем всего (прошлый период)',
  trend: 'Изменение',
  'period.from': 'Период с',
  'period.to': 'Период по',
  groupId: 'Код группы',
  caseId: 'Номер обращения',
  problem: 'Проблема',
  at: 'Когда',
  // Cases that come back.
  applicantRef: 'Заявитель (псевдоним)',
  subjectId: 'Код темы',
  subjectName: 'Тема',
  // Cases (and the fields other reports share with them).
  'cases:id': 'Номер обращения',
  kind: 'Вид',
  status: 'Статус',
  regionId: 'Регион',
  organisationId: 'Код организации',
  categoryId: 'Код категории',
  subcategoryId: 'Код подкатегории',
  subcategoryName: 'Подкатегория',
  // A case's territory may be a settlement, not only a district.
  'cases:territoryName': 'Территория',
  registeredAt: 'Зарегистрировано',
  answerDueAt: 'Срок ответа',
  overdue: 'Просрочено',
  termAdvisory: 'Срок рекомендательный',
  advisoryMissed: 'Рекомендательный срок пропущен',
  accelerated: 'Ускоренное рассмотрение',
  round: 'Круг рассмотрения',
  extended: 'Срок продлён',
  rating: 'Оценка',
  resolution: 'Итог',
  closedAt: 'Закрыто',
  'applicant.name': 'Заявитель',
  'applicant.email': 'Электронная почта заявителя',
  'applicant.postalAddress': 'Почтовый адрес заявителя',
  address: 'Адрес проблемы',
  text: 'Текст обращения',
  'answer.text': 'Текст ответа',
  // Indicator tables (the indicators themselves: INDICATOR_TITLES).
  period: 'Период',
  organisationName: 'Организация',
  categoryName: 'Категория',
  channel: 'Канал поступления',
  indicator: 'Показатель',
  definition: 'Как считается',
  // Winning projects of votes.
  eventId: 'Код голосования',
  eventTitle: 'Голосование',
  'projects:closedAt': 'Голосование завершено',
  projectId: 'Код проекта',
  projectName: 'Проект',
  cost: 'Стоимость',
  votes: 'Голосов',
  'projects:status': 'Состояние реализации',
  note: 'Примечание',
  updatedAt: 'Обновлено',
  // The rating and its configuration.
  rank: 'Место',
  'rating:subjectId': 'Код участника рейтинга',
  'rating:subjectName': 'Организация или муниципалитет',
  score: 'Балл',
  thresholdsMet: 'Выполнено порогов',
  thresholdsTotal: 'Порогов всего',
  unmet: 'Не выполнены пороги',
  weight: 'Вес',
  better: 'Лучше',
  target: 'Порог',
};

/**
 * A coded field's values as staff read them in a file. The API keeps the codes (`in_work`,
 * `executive_body`); a spreadsheet shows their Russian names, in the console's words where it has
 * them (web/src/text.ts). A field that means something else on one sheet has its names under
 * `<sheet>:<field>`, which comes first. A code without a name here stays as it is (a channel added
 * later, say): test/unit/monitoring-reports.test.ts checks that every code of the API's enums has one.
 */
export const VALUE_TITLES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  kind: { appeal: 'Обращение (59-ФЗ)', message: 'Сообщение' },
  status: {
    registered: 'Зарегистрировано', in_work: 'В работе', clarification_requested: 'Запрошено уточнение', answered: 'Дан ответ', closed: 'Закрыто',
  },
  resolution: {
    rated_positive: 'Ответ оценён', rating_window_expired: 'Срок оценки истёк', left_without_answer: 'Оставлено без ответа',
    closed_by_supervisor: 'Закрыто куратором', negative_at_top: 'Закрыто после повторного рассмотрения',
  },
  territoryKind: { region: 'Уровень региона', municipal_district: 'Муниципальный район', municipal_okrug: 'Муниципальный округ', city_district: 'Городской округ' },
  organisationKind: { executive_body: 'Органы власти', municipality: 'Органы МСУ', settlement: 'Поселения', institution: 'Учреждения' },
  dimension: { categories: 'Категории', organisations: 'Организации', territories: 'Муниципальные районы' },
  problem: { low_rating: 'Низкая оценка', repeat_processing: 'Повторное рассмотрение', overdue: 'Просрочено' },
  channel: { web: 'Сайт и приложение', embed: 'Форма на сайте организации', open311: 'Open311', integration: 'Интеграция', incident: 'Инциденты' },
  better: { higher: 'не ниже', lower: 'не выше' },
  'projects:status': { not_started: 'Не начат', in_progress: 'Выполняется', completed: 'Выполнен', cancelled: 'Отменён' },
};

/** Indicator columns: the definition's Russian title (after COLUMN_TITLES, which may name a field otherwise). */
const INDICATOR_TITLES: ReadonlyMap<string, string> = new Map(ALL_INDICATORS.map((d) => [d.id, d.titleRu]));

export const SHEET_TITLES: Readonly<Record<string, string>> = {
  readiness: 'Готовность кабинетов',
  totals: 'Итого по видам',
  problems: 'Проблемные зоны',
  examples: 'Примеры обращений',
  'returning cases': 'Повторные обращения',
  cases: 'Обращения',
  indicators: 'Показатели',
  participation: 'Участие',
  definitions: 'Как считаются показатели',
  projects: 'Проекты-победители',
  rating: 'Рейтинг',
  weights: 'Показатели и пороги',
};

/** The sheet's key: its name up to a period that follows it (`readiness 2026-11` is a readiness sheet). */
function sheetKey(sheetName: string): { key: string; rest: string } {
  const known = Object.keys(SHEET_TITLES).find((k) => sheetName === k || sheetName.startsWith(`${k} `));
  return known ? { key: known, rest: sheetName.slice(known.length) } : { key: sheetName, rest: '' };
}

/** The column's header in a file: its sheet's own title, else the field's, else the JSON field name. Deterministic. */
export function columnTitle(sheetName: string, field: string): string {
  const { key } = sheetKey(sheetName);
  return COLUMN_TITLES[`${key}:${field}`] ?? COLUMN_TITLES[field] ?? INDICATOR_TITLES.get(field) ?? field;
}

/** The Russian names of a column's codes (VALUE_TITLES), or undefined for a column without codes. Deterministic. */
export function valueNames(sheetName: string, field: string): Readonly<Record<string, string>> | undefined {
  const { key } = sheetKey(sheetName);
  return VALUE_TITLES[`${key}:${field}`] ?? VALUE_TITLES[field];
}

/** A cell's value in a file: a code's Russian name, anything else as it is. Deterministic. */
export function namedValue<V>(names: Readonly<Record<string, string>> | undefined, value: V): V | string {
  return names && typeof value === 'string' ? names[value] ?? value : value;
}

/** The sheet's name in a workbook (the period after a known name stays). Deterministic. */
export function sheetTitle(sheetName: string): string {
  const { key, rest } = sheetKey(sheetName);
  return `${SHEET_TITLES[key] ?? key}${rest}`;
}
