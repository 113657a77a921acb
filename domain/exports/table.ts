// Reports as files for people's spreadsheets: the same figures an API report answers in JSON, as CSV or
// as an XLSX workbook. A report describes its tables once (sheets of typed columns); this module writes
// them with exceljs, the maintained workbook library (it also reads them back, which the tests do).
//
// Personal data: a column marked `personal` holds the applicant's name, contacts or texts. It is in the
// file only when the report says the caller may see such data (`personalData`), and a row that the caller
// may not see leaves it empty (the row gives undefined).
//
// Headers, sheet names and coded values (a case's status, an organisation's kind) are Russian (titles.ts):
// staff open these files in Excel. The tables themselves name columns and values as the report's JSON
// does, which the API keeps unchanged.
//
// CSV: UTF-8 with a byte-order mark (so that Excel reads Cyrillic), comma-separated, one header row; only
// the first sheet. A text cell that starts like a formula (=, +, -, @, tab, CR) is prefixed with an
// apostrophe, so a citizen's text never runs as a formula in the reader's spreadsheet (CSV injection);
// an XLSX cell is always a typed string, never a formula.
import ExcelJS from 'exceljs';
import { columnTitle, namedValue, sheetTitle, valueNames } from './titles';

export type ExportFormat = 'csv' | 'xlsx';
export type CellValue = string | number | boolean | Date | null | undefined;

export interface Column<Row> {
  /** The field's name in the JSON form of the report; the file's header is its Russian title (titles.ts). */
  header: string;
  value: (row: Row) => CellValue;
  /** The applicant's personal data (name, contacts, texts). */
  personal?: boolean;
  /** Width in characters in the workbook. */
  width?: number;
}

export interface Sheet<Row = any> {
  /** The sheet's key (titles.ts gives its name in the workbook, at most 31 characters), e.g. `readiness 2026-11`. */
  name: string;
  columns: Column<Row>[];
  rows: Row[];
}

export interface ExportFile {
  fileName: string;
  contentType: string;
  body: Buffer;
  /** Data rows written (all sheets for XLSX, the first for CSV). */
  rows: number;
}

export const CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const FORMULA_START = /^[=+\-@\t\r]/;

/** The columns a caller gets: personal ones only when they may see personal data. Deterministic. */
export function visibleColumns<Row>(columns: Column<Row>[], personalData: boolean): Column<Row>[] {
  return personalData ? columns : columns.filter((c) => !c.personal);
}

function cell(value: CellValue, csv: boolean): ExcelJS.CellValue {
  if (value === undefined || value === null) return null;
  if (csv && value instanceof Date) return value.toISOString();
  if (csv && typeof value === 'string' && FORMULA_START.test(value)) return `'${value}`;
  return value;
}

function addSheet(workbook: ExcelJS.Workbook, sheet: Sheet, personalData: boolean, csv: boolean): number {
  const columns = visibleColumns(sheet.columns, personalData);
  const ws = workbook.addWorksheet(sheetTitle(sheet.name).slice(0, 31));
  ws.columns = columns.map((c) => {
    const title = columnTitle(sheet.name, c.header);
    return { header: title, key: c.header, width: Math.max(c.width ?? 12, title.length + 2) };
  });
  const names = columns.map((c) => valueNames(sheet.name, c.header));
  for (const row of sheet.rows) ws.addRow(columns.map((c, i) => cell(namedValue(names[i], c.value(row)), csv)));
  if (!csv) {
    ws.getRow(1).font = { bold: true };
    ws.views = [{ state: 'frozen', ySplit: 1 }];
  }
  return sheet.rows.length;
}

/** Writes the report's sheets as a CSV (the first sheet) or an XLSX workbook (all of them). */
export async function writeExport(format: ExportFormat, baseName: string, sheets: Sheet[], opts: { personalData: boolean }): Promise<ExportFile> {
  if (sheets.length === 0) throw new Error('an export needs at least one sheet');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Otklik';
  const csv = format === 'csv';
  let rows = 0;
  for (const sheet of csv ? sheets.slice(0, 1) : sheets) rows += addSheet(workbook, sheet, opts.personalData, csv);
  const body = csv
    ? Buffer.concat([Buffer.from('\uFEFF', 'utf8'), Buffer.from(await workbook.csv.writeBuffer({ sheetName: sheetTitle(sheets[0].name).slice(0, 31) }))])
    : Buffer.from(await workbook.xlsx.writeBuffer());
  return { fileName: `${baseName}.${format}`, contentType: CONTENT_TYPE[format], body, rows };
}
