import { isValidIsoDate } from '../domain/london-time.ts';

export type FormBody = Record<string, unknown>;

/** Text as a person could have typed it: anything that is not a string is ignored (NUL characters are dropped earlier, by app.ts). */
function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** The first value of a form field, trimmed; '' when absent or not text. */
export function field(body: FormBody, name: string): string {
  const value = body[name];
  return text(Array.isArray(value) ? value[0] : value);
}

/** As `field`, from a request body that may not have been a form at all (no body, JSON, a string). */
export function fieldOf(body: unknown, name: string): string {
  return body && typeof body === 'object' ? field(body as FormBody, name) : '';
}

/** Every field as typed (first value, text only), to show a form again with its errors. */
export function typedValues(body: FormBody): Record<string, string> {
  return Object.fromEntries(Object.keys(body ?? {}).map((name) => [name, field(body, name)]));
}

export function fields(body: FormBody, name: string): string[] {
  const value = body[name];
  return (Array.isArray(value) ? value : [value]).map(text).filter(Boolean);
}

const MAX_ID = 2_147_483_647;

/** A database id from a URL or form: whole, positive and within the column's range, else undefined. */
export function parseId(value: unknown): number | undefined {
  const digits = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  if (!/^\d{1,10}$/.test(digits)) return undefined;
  const id = Number(digits);
  return id >= 1 && id <= MAX_ID ? id : undefined;
}

/** A Content-Disposition for downloading a file whose name may hold any character (RFC 6266). */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * Reads a GOV.UK date input (`name-day`, `name-month`, `name-year`) as 'YYYY-MM-DD', or returns
 * the message to show. Accepts month names ("June", "jun") as the design system advises.
 */
export function dateInput(body: FormBody, name: string, label: string): { value?: string; error?: string } {
  const day = field(body, `${name}-day`);
  const monthText = field(body, `${name}-month`);
  const year = field(body, `${name}-year`);
  if (!day && !monthText && !year) return { error: `Enter ${label}` };
  const missing = [!day && 'day', !monthText && 'month', !year && 'year'].filter(Boolean);
  if (missing.length) return { error: `${capitalise(label)} must include a ${missing.join(' and ')}` };
  const month = monthNumber(monthText);
  if (!/^\d{1,2}$/.test(day) || month === undefined || !/^\d{4}$/.test(year)) return { error: `${capitalise(label)} must be a real date` };
  if (Number(year) < 1900 || Number(year) > 2100) return { error: `${capitalise(label)} must be between 1900 and 2100` };
  const iso = `${year}-${String(month).padStart(2, '0')}-${day.padStart(2, '0')}`;
  if (!isValidIsoDate(iso)) return { error: `${capitalise(label)} must be a real date` };
  return { value: iso };
}

/** Reads a 24-hour time typed as "14:30", "2:30pm", "9am" or "0930". */
export function timeInput(text: string): string | undefined {
  const match = /^(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm)?$/i.exec(text.trim());
  if (!match) return undefined;
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? '0');
  const meridiem = match[3]?.toLowerCase();
  if (meridiem) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return undefined;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function monthNumber(text: string): number | undefined {
  if (/^\d{1,2}$/.test(text)) {
    const n = Number(text);
    return n >= 1 && n <= 12 ? n : undefined;
  }
  const index = MONTHS.indexOf(text.slice(0, 3).toLowerCase());
  return index >= 0 && MONTHS[index] && text.length >= 3 ? index + 1 : undefined;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Pounds typed as "£1,250.50" or "1250" to whole pence; undefined if not a sum of money. */
export function penceInput(text: string): number | undefined {
  const cleaned = text.replace(/[£,\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return undefined;
  return Math.round(Number(cleaned) * 100);
}
