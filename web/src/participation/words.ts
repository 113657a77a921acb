// Numbers and money as a Russian reader reads them, and the right form of a counted word (1 голос,
// 2 голоса, 5 голосов). The words themselves are in text.ts. Pure.

/** The form of a word for n: forms are [one, few, many], e.g. ['голос', 'голоса', 'голосов']. */
export function plural(n: number, forms: readonly [string, string, string]): string {
  const tens = Math.abs(n) % 100;
  const ones = tens % 10;
  if (tens > 10 && tens < 20) return forms[2];
  if (ones === 1) return forms[0];
  if (ones >= 2 && ones <= 4) return forms[1];
  return forms[2];
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat('ru-RU').format(n);
}

/** "1 234" and the word's form: "1 234 голоса". */
export function counted(n: number, forms: readonly [string, string, string]): string {
  return `${formatNumber(n)} ${plural(n, forms)}`;
}

/** Whole roubles: "120 000 ₽". */
export function formatMoney(roubles: number): string {
  return new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB', maximumFractionDigits: 0 }).format(roubles);
}

/** A share 0..1 as "42 %" (one decimal when it is not whole). */
export function formatShare(share: number): string {
  return new Intl.NumberFormat('ru-RU', { style: 'percent', maximumFractionDigits: 1 }).format(share);
}
