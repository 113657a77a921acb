// What every indicator means and how it is computed, served with every indicator table (issue 13: "each
// indicator says how it is computed"). The ids are the fields of the tables' rows. English for the API,
// Russian for the people who read the tables (the console shows titleRu / definitionRu).
import type { components } from '../../openapi/types';

export type IndicatorDefinition = components['schemas']['IndicatorDefinition'];
type Group = IndicatorDefinition['group'];
type Unit = IndicatorDefinition['unit'];

const MONTH_NOTE = 'counted in the month it happened, in the region\'s time zone';
const MONTH_NOTE_RU = 'считается в месяце, когда это произошло (по времени региона)';

function def(id: string, group: Group, unit: Unit, title: string, definition: string, titleRu: string, definitionRu: string): IndicatorDefinition {
  return { id, group, unit, title, definition, titleRu, definitionRu };
}

export const CASE_INDICATORS: readonly IndicatorDefinition[] = [
  def('received', 'volume', 'count', 'Received', `Cases registered, ${MONTH_NOTE}, at the organisation they were first routed to.`,
    'Поступило', `Зарегистрированные обращения и сообщения; ${MONTH_NOTE_RU}; у организации, куда обращение направлено при регистрации.`),
  def('answered', 'volume', 'count', 'Answered', `Answers given (a repeat processing answers again), ${MONTH_NOTE}, at the answering organisation.`,
    'Дано ответов', `Данные ответы (при повторной обработке ответ даётся снова); ${MONTH_NOTE_RU}; у ответившей организации.`),
  def('closed', 'volume', 'count', 'Closed', `Closings (rated positively, rating window expired, negative at the top, left without an answer, closed by a supervisor), ${MONTH_NOTE}.`,
    'Закрыто', `Закрытия (положительная оценка, истёк срок оценки, отрицательная оценка на верхнем уровне, оставлено без ответа, закрыто куратором); ${MONTH_NOTE_RU}.`),
  def('answeredOnTime', 'timeliness', 'count', 'Answered on time', 'Answers given no later than the binding term then in force (after an extension: the extended term).',
    'Ответы в срок', 'Ответы, данные не позднее обязательного срока, действовавшего на момент ответа (после продления — продлённого).'),
  def('answeredLate', 'timeliness', 'count', 'Answered late', 'Answers given after the binding term: answered − answeredOnTime.',
    'Ответы с нарушением срока', 'Ответы после обязательного срока: дано ответов − ответы в срок.'),
  def('answeredOnTimePercent', 'timeliness', 'percent', 'Answered on time, %', '100 × answeredOnTime / answered.',
    'Доля ответов в срок, %', '100 × ответы в срок / дано ответов.'),
  def('advisoryAnswered', 'timeliness', 'count', 'Answers with an advisory target', 'Answers of cases that had an advisory (recommended) target beside the binding term, reported apart from the binding term.',
    'Ответы с рекомендуемым сроком', 'Ответы по обращениям, у которых кроме обязательного был рекомендуемый срок; учитываются отдельно от обязательного.'),
  def('advisoryAnsweredOnTime', 'timeliness', 'count', 'Within the advisory target', 'Of advisoryAnswered, those given no later than the advisory target. Missing it is not a violation.',
    'В рекомендуемый срок', 'Из ответов с рекомендуемым сроком — данные не позднее него. Пропуск рекомендуемого срока нарушением не является.'),
  def('advisoryOnTimePercent', 'timeliness', 'percent', 'Within the advisory target, %', '100 × advisoryAnsweredOnTime / advisoryAnswered.',
    'Доля ответов в рекомендуемый срок, %', '100 × ответы в рекомендуемый срок / ответы с рекомендуемым сроком.'),
  def('openNow', 'timeliness', 'count', 'Open now', 'Cases received in the period that are not closed now, at the organisation holding them now.',
    'В работе сейчас', 'Поступившие за период обращения, не закрытые на текущий момент; у организации, где они сейчас.'),
  def('overdueNow', 'timeliness', 'count', 'Overdue now', 'Of openNow, those whose binding term has passed (an advisory target alone never makes a case overdue).',
    'Просрочено сейчас', 'Из находящихся в работе — с истёкшим обязательным сроком (пропуск только рекомендуемого срока просрочкой не считается).'),
  def('averageAnswerDays', 'timeliness', 'days', 'Average answer time, days', 'Mean time from registration (in a repeat processing: from its start) to the answer, over answers of the period, in days.',
    'Среднее время ответа, дней', 'Среднее время от регистрации (при повторной обработке — от её начала) до ответа, по ответам периода, в днях.'),
  def('medianAnswerDays', 'timeliness', 'days', 'Median answer time, days', 'Median of the answer times in whole days, a started day counted as a day (the mean of the two middle ones for an even count). Not given when a request filters or groups by two or more of organisation, territory and category (with or without channel).',
    'Медианное время ответа, дней', 'Медиана времени ответа в целых днях (неполный день считается за день; при чётном числе — среднее двух средних значений). Не приводится, если отбор или группировка идут сразу по двум и более из: организация, территория, категория (с каналом или без).'),
  def('extensions', 'timeliness', 'count', 'Term extensions', `Extensions of the answer term, ${MONTH_NOTE}.`,
    'Продления срока', `Продления срока ответа; ${MONTH_NOTE_RU}.`),
  def('redirects', 'timeliness', 'count', 'Redirects', 'Hand-overs to another organisation (redirects by the organisation, reassignments by a supervisor), at the organisation that handed over.',
    'Перенаправления', 'Передачи в другую организацию (перенаправление организацией, переназначение куратором); у передавшей организации.'),
  def('redirectLostDays', 'timeliness', 'days', 'Time lost to redirects, days', 'Sum over redirects of the time the case spent at the organisation that handed it over.',
    'Потеряно на перенаправлениях, дней', 'Сумма по перенаправлениям времени, проведённого обращением в передавшей его организации.'),
  def('averageRedirectLostDays', 'timeliness', 'days', 'Time lost per redirect, days', 'redirectLostDays / redirects.',
    'Потеряно на одно перенаправление, дней', 'Потеряно на перенаправлениях / число перенаправлений.'),
  def('rated', 'quality', 'count', 'Rated', `Ratings given by applicants, ${MONTH_NOTE}, at the organisation whose answer was rated.`,
    'Оценено', `Оценки заявителей; ${MONTH_NOTE_RU}; у организации, чей ответ оценён.`),
  ...[1, 2, 3, 4, 5].map((n) => def(`rating${n}`, 'quality', 'count', `Rated ${n}`, `Ratings of ${n} (of 5).`, `Оценка «${n}»`, `Число оценок «${n}» (из 5).`)),
  def('ratingHighPercent', 'quality', 'percent', 'Ratings 4–5, %', '100 × (rating4 + rating5) / rated.',
    'Доля оценок 4–5, %', '100 × (оценки «4» + «5») / всего оценок.'),
  def('sentToRepeat', 'quality', 'count', 'Sent to repeat processing', 'Low ratings after which the case went to the higher-level organisation for repeat processing, at the organisation rated low.',
    'Направлено на повторную обработку', 'Низкие оценки, после которых обращение передано вышестоящей организации на повторную обработку; у организации, получившей низкую оценку.'),
  def('sentToRepeatPercent', 'quality', 'percent', 'Sent to repeat processing, %', '100 × sentToRepeat / rated.',
    'Доля направленных на повторную обработку, %', '100 × направлено на повторную обработку / всего оценок.'),
  def('repeatPositive', 'quality', 'count', 'Repeat processing: rated positively', 'Of sentToRepeat, those whose next rating was positive.',
    'Повторная обработка: положительно', 'Из направленных на повторную обработку — со следующей положительной оценкой.'),
  def('repeatNegative', 'quality', 'count', 'Repeat processing: rated low again', 'Of sentToRepeat, those whose next rating was low again (escalated further or closed at the top).',
    'Повторная обработка: снова низко', 'Из направленных на повторную обработку — со следующей снова низкой оценкой (передано выше или закрыто на верхнем уровне).'),
  def('repeatOpen', 'quality', 'count', 'Repeat processing: open', 'Of sentToRepeat, those not rated since and still open.',
    'Повторная обработка: в работе', 'Из направленных на повторную обработку — без новой оценки и ещё не закрытые.'),
  def('repeatOther', 'quality', 'count', 'Repeat processing: closed otherwise', 'Of sentToRepeat, those closed without a new rating (rating window expired, closed by a supervisor, left without an answer).',
    'Повторная обработка: закрыто иначе', 'Из направленных на повторную обработку — закрытые без новой оценки (истёк срок оценки, закрыто куратором, без ответа).'),
  def('reopened', 'quality', 'count', 'Reopened', `Reopenings of closed cases by a supervisor, ${MONTH_NOTE}.`,
    'Возобновлено', `Возобновления закрытых обращений куратором; ${MONTH_NOTE_RU}.`),
];

/** Indicators the rating can weigh besides those of the case table. */
export const RATING_ONLY_INDICATORS: readonly IndicatorDefinition[] = [
  def('overdueNowPercent', 'timeliness', 'percent', 'Overdue now, %', '100 × overdueNow / received.',
    'Доля просроченных сейчас, %', '100 × просрочено сейчас / поступило.'),
  def('redirectPercent', 'timeliness', 'percent', 'Redirects per case received, %', '100 × redirects / received.',
    'Перенаправления на 100 поступивших, %', '100 × перенаправления / поступило.'),
];

const HELD = 'events that closed in the month (voting, collection of proposals or the hearing ended) and were not cancelled';
const HELD_RU = 'мероприятия, завершившиеся в месяце (окончено голосование, приём предложений или слушания) и не отменённые';

export const PARTICIPATION_INDICATORS: readonly IndicatorDefinition[] = [
  def('eventsHeld', 'participation', 'count', 'Events held', `All ${HELD}.`, 'Проведено мероприятий', `Все ${HELD_RU}.`),
  def('pollsHeld', 'participation', 'count', 'Polls held', `Polls among ${HELD}.`, 'Опросы', `Опросы — ${HELD_RU}.`),
  def('votesHeld', 'participation', 'count', 'Votes held', `Votes among ${HELD}.`, 'Голосования', `Голосования — ${HELD_RU}.`),
  def('discussionsHeld', 'participation', 'count', 'Discussions held', `Public discussions of drafts among ${HELD}.`, 'Обсуждения', `Общественные обсуждения — ${HELD_RU}.`),
  def('hearingsHeld', 'participation', 'count', 'Hearings held', `Public hearings among ${HELD}.`, 'Публичные слушания', `Публичные слушания — ${HELD_RU}.`),
  def('participants', 'participation', 'count', 'Participants', 'Per event held: online answers or ballots of polls and votes, authors of proposals of discussions, registrations for hearings; a person in two events counts twice.',
    'Участники', 'По проведённым мероприятиям: ответы и бюллетени опросов и голосований, авторы предложений обсуждений, записавшиеся на слушания; человек в двух мероприятиях считается дважды.'),
  def('hearingParticipants', 'participation', 'count', 'Hearing participants', 'Registrations for the hearings held.', 'Участники слушаний', 'Записавшиеся на проведённые слушания.'),
  def('winningProjects', 'participation', 'count', 'Winning projects', 'Projects selected by votes held whose results are published.',
    'Проекты-победители', 'Проекты, победившие в проведённых голосованиях с опубликованными итогами.'),
  def('projectsNotStarted', 'participation', 'count', 'Projects not started', 'Winning projects whose organiser has recorded no implementation, or recorded not_started.',
    'Реализация не начата', 'Проекты-победители без отметки о реализации или с отметкой «не начата».'),
  def('projectsInProgress', 'participation', 'count', 'Projects in progress', 'Winning projects recorded as being implemented.', 'Реализуются', 'Проекты-победители с отметкой «реализуется».'),
  def('projectsCompleted', 'participation', 'count', 'Projects completed', 'Winning projects recorded as implemented.', 'Реализованы', 'Проекты-победители с отметкой «реализован».'),
  def('projectsCancelled', 'participation', 'count', 'Projects cancelled', 'Winning projects recorded as not to be implemented.', 'Отменены', 'Проекты-победители с отметкой «отменён».'),
];

export const ALL_INDICATORS: readonly IndicatorDefinition[] = [...CASE_INDICATORS, ...RATING_ONLY_INDICATORS, ...PARTICIPATION_INDICATORS];

export function definitionsOf(ids: readonly string[]): IndicatorDefinition[] {
  return ids.map((id) => {
    const d = ALL_INDICATORS.find((x) => x.id === id);
    if (!d) throw new Error(`indicator ${id} has no definition`);
    return d;
  });
}
