import { ValidationError } from '../errors';
import { DEFAULT_ZONE, instantOf, isValidZone, parseDateOnly, parseDateTime, parseDecimal } from '../datetime';
import { describeValue } from '../validation';

/**
 * Conversion between plain values (what n8n items carry) and Notion property values, per property type, plus the
 * canonical form used to decide whether a row changed. Rules:
 * - null (or undefined given explicitly through a mapping) clears a value; for checkbox it means false.
 * - Text longer than 2000 characters is split into several rich-text objects (Notion's per-object limit), at
 *   most 100 of them; longer text fails the item.
 * - A value that cannot be converted fails the item with a message naming the property, the type and the value.
 * - Canonical forms compare equal when Notion would show the same thing: text joined, numbers as numbers,
 *   multi-select and relation order ignored, date-times compared as instants, '' and null alike for strings.
 */

export const WRITABLE_TYPES = [
	'title',
	'rich_text',
	'number',
	'select',
	'multi_select',
	'status',
	'date',
	'checkbox',
	'url',
	'email',
	'phone_number',
	'relation',
] as const;
export type WritableType = (typeof WRITABLE_TYPES)[number];

export const TEXT_CHUNK = 2000;
export const MAX_ARRAY = 100;
export const MAX_OPTION_NAME = 100;

export function isWritableType(type: string): type is WritableType {
	return (WRITABLE_TYPES as readonly string[]).includes(type);
}

export interface ConvertContext {
	property: string;
	itemIndex?: number;
	/** IANA zone for date-times written without an offset (default UTC). */
	zone?: string;
}

/** Canonical value: JSON-comparable. */
export type Canonical = string | number | boolean | null | string[] | { start: string | number; end: string | number | null };

/** The payload for one property in a create/update request (`{title: [...]}`, `{number: 3}`, ...). */
export type PropertyWrite = Record<string, unknown>;

export interface ConvertedValue {
	write: PropertyWrite;
	canonical: Canonical;
}

const EXPECTED: Record<WritableType, string> = {
	title: 'text',
	rich_text: 'text',
	number: 'a decimal number',
	select: 'an option name (text without commas)',
	multi_select: 'a list of option names (array or comma-separated text)',
	status: 'a status name',
	date: 'an ISO 8601 date (YYYY-MM-DD) or date-time, or {start, end}',
	checkbox: 'true or false',
	url: 'a URL (text)',
	email: 'an email address',
	phone_number: 'a phone number (text)',
	relation: 'page ids (text, array of ids or of {id})',
};

function fail(type: WritableType, value: unknown, context: ConvertContext, why?: string): never {
	const item = context.itemIndex === undefined ? '' : ` (item ${context.itemIndex})`;
	throw new ValidationError(
		`Property '${context.property}'${item}: expected ${EXPECTED[type]} for Notion type ${type}, received ${describeValue(value)}${why ? ` (${why})` : ''}`,
		{
			service: 'notion',
			operation: 'convertProperty',
			itemIndex: context.itemIndex,
			field: context.property,
			expected: `${type}: ${EXPECTED[type]}`,
			received: describeValue(value),
			retryable: false,
		},
	);
}

/** Split text into chunks of at most `size` UTF-16 units without cutting a surrogate pair. */
export function splitText(text: string, size = TEXT_CHUNK): string[] {
	const chunks: string[] = [];
	let i = 0;
	while (i < text.length) {
		let end = Math.min(text.length, i + size);
		if (end < text.length) {
			const code = text.charCodeAt(end - 1);
			if (code >= 0xd800 && code <= 0xdbff) end -= 1;
		}
		chunks.push(text.slice(i, end));
		i = end;
	}
	return chunks;
}

function textOf(type: WritableType, value: unknown, context: ConvertContext): string | null {
	if (value === null || value === undefined) return null;
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
	if (Array.isArray(value) && value.every((v) => v && typeof v === 'object' && 'plain_text' in v)) {
		return (value as Array<{ plain_text: string }>).map((v) => v.plain_text).join('');
	}
	return fail(type, value, context);
}

function richText(type: WritableType, text: string, context: ConvertContext): Array<Record<string, unknown>> {
	const chunks = splitText(text);
	if (chunks.length > MAX_ARRAY) {
		fail(type, text, context, `${text.length} characters is more than Notion's ${MAX_ARRAY} x ${TEXT_CHUNK}`);
	}
	return chunks.map((content) => ({ type: 'text', text: { content } }));
}

function optionName(type: WritableType, value: unknown, context: ConvertContext): string {
	let name: string;
	if (typeof value === 'string') name = value.trim();
	else if (typeof value === 'number' && Number.isFinite(value)) name = String(value);
	else if (typeof value === 'boolean') name = String(value);
	else if (value && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string') {
		name = ((value as { name: string }).name).trim();
	} else return fail(type, value, context);
	if (name === '') return fail(type, value, context, 'empty option name');
	if ((type === 'select' || type === 'multi_select') && name.includes(',')) fail(type, value, context, 'option names cannot contain commas');
	if (name.length > MAX_OPTION_NAME) fail(type, value, context, `option names are at most ${MAX_OPTION_NAME} characters`);
	return name;
}

/** A date or date-time for a write: date-only stays as it is, a date-time gets an explicit offset (see lib/datetime). */
function dateString(value: unknown, context: ConvertContext): string {
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) fail('date', value, context);
		return value.toISOString();
	}
	if (typeof value === 'string') {
		const day = parseDateOnly(value);
		if (day) return day;
		const instant = parseDateTime(value, context.zone ?? DEFAULT_ZONE);
		if (instant) return instant.iso;
		if (/^\s*\d{4}-\d{2}-\d{2}/.test(value)) fail('date', value, context, 'not a real date or time');
	}
	return fail('date', value, context);
}

/**
 * Canonical date part: date-only stays text, a date-time becomes its instant in ms. A date-time without an offset
 * is read in `zone` (Notion's `time_zone` for the value, else UTC), never in the server's zone.
 */
function dateCanonical(text: string | null | undefined, zone: string = DEFAULT_ZONE): string | number | null {
	if (text === null || text === undefined || text === '') return null;
	const day = parseDateOnly(text);
	if (day) return day;
	return instantOf(text, zone) ?? text;
}

/** Notion ids with or without dashes, any case -> 32 lowercase hex (other ids are kept as they are). */
export function normaliseId(id: string): string {
	const compact = id.trim().replace(/-/g, '').toLowerCase();
	return /^[0-9a-f]{32}$/.test(compact) ? compact : id.trim();
}

function relationIds(value: unknown, context: ConvertContext): string[] {
	const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
	const ids: string[] = [];
	for (const entry of list) {
		let id: unknown = entry;
		if (entry && typeof entry === 'object' && 'id' in entry) id = (entry as { id: unknown }).id;
		if (typeof id !== 'string' || id.trim() === '') return fail('relation', value, context);
		ids.push(id.trim());
	}
	if (ids.length > MAX_ARRAY) fail('relation', value, context, `more than ${MAX_ARRAY} related pages`);
	return ids.filter((id, i) => ids.findIndex((o) => normaliseId(o) === normaliseId(id)) === i);
}

function truthy(value: unknown, context: ConvertContext): boolean {
	if (value === null || value === undefined) return false;
	if (typeof value === 'boolean') return value;
	if (value === 1 || value === 0) return value === 1;
	if (typeof value === 'string') {
		const t = value.trim().toLowerCase();
		if (['true', 'yes', '1', 'on'].includes(t)) return true;
		if (['false', 'no', '0', 'off', ''].includes(t)) return false;
	}
	return fail('checkbox', value, context);
}

/** Convert a plain value to the write payload and canonical form for a property of `type`. */
export function toNotionValue(type: WritableType, value: unknown, context: ConvertContext): ConvertedValue {
	const clear = value === null || value === undefined;
	switch (type) {
		case 'title':
		case 'rich_text': {
			const text = textOf(type, value, context) ?? '';
			return { write: { [type]: text === '' ? [] : richText(type, text, context) }, canonical: text };
		}
		case 'number': {
			if (clear || (typeof value === 'string' && value.trim() === '')) return { write: { number: null }, canonical: null };
			const n = parseDecimal(value);
			if (n === undefined) return fail(type, value, context, typeof value === 'string' ? 'decimal notation only, such as 12 or -3.5' : undefined);
			return { write: { number: n }, canonical: n };
		}
		case 'select':
		case 'status': {
			if (clear || value === '') return { write: { [type]: null }, canonical: null };
			const name = optionName(type, value, context);
			return { write: { [type]: { name } }, canonical: name };
		}
		case 'multi_select': {
			if (clear || value === '') return { write: { multi_select: [] }, canonical: [] };
			const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : fail(type, value, context);
			const names = [...new Set(list.filter((v) => !(typeof v === 'string' && v.trim() === '')).map((v) => optionName(type, v, context)))];
			if (names.length > MAX_ARRAY) fail(type, value, context, `more than ${MAX_ARRAY} options`);
			return { write: { multi_select: names.map((name) => ({ name })) }, canonical: [...names].sort() };
		}
		case 'date': {
			if (clear || value === '') return { write: { date: null }, canonical: null };
			let start: string;
			let end: string | null = null;
			if (value && typeof value === 'object' && !(value instanceof Date)) {
				const v = value as { start?: unknown; end?: unknown };
				if (v.start === undefined || v.start === null) return fail(type, value, context);
				start = dateString(v.start, context);
				end = v.end === undefined || v.end === null || v.end === '' ? null : dateString(v.end, context);
			} else start = dateString(value, context);
			return {
				write: { date: end === null ? { start } : { start, end } },
				canonical: { start: dateCanonical(start) as string | number, end: dateCanonical(end) },
			};
		}
		case 'checkbox': {
			const b = truthy(value, context);
			return { write: { checkbox: b }, canonical: b };
		}
		case 'url':
		case 'email':
		case 'phone_number': {
			if (clear) return { write: { [type]: null }, canonical: null };
			if (typeof value !== 'string' && !(type === 'phone_number' && typeof value === 'number')) return fail(type, value, context);
			const text = String(value).trim();
			// Notion rejects "" for these types (400 validation_error): an empty value clears with null.
			if (text === '') return { write: { [type]: null }, canonical: null };
			if (text.length > TEXT_CHUNK) fail(type, value, context, `longer than ${TEXT_CHUNK} characters`);
			if (type === 'email' && !/^[^\s@]+@[^\s@]+$/.test(text)) fail(type, value, context);
			if (type === 'url' && /\s/.test(text)) fail(type, value, context);
			return { write: { [type]: text }, canonical: text };
		}
		case 'relation': {
			if (clear || value === '') return { write: { relation: [] }, canonical: [] };
			const ids = relationIds(value, context);
			return { write: { relation: ids.map((id) => ({ id })) }, canonical: ids.map(normaliseId).sort() };
		}
	}
}

type NotionPropertyValue = { type?: string; [key: string]: unknown };

function plainText(rich: unknown): string {
	if (!Array.isArray(rich)) return '';
	return rich
		.map((r: { plain_text?: unknown; text?: { content?: unknown } }) =>
			typeof r?.plain_text === 'string' ? r.plain_text : typeof r?.text?.content === 'string' ? r.text.content : '',
		)
		.join('');
}

/** A Notion property value (from a page) as a plain value for n8n items. Unknown/read-only types best effort. */
export function fromNotionValue(value: NotionPropertyValue | undefined): unknown {
	if (!value || typeof value !== 'object') return null;
	const type = value.type ?? '';
	const inner = value[type] as unknown;
	switch (type) {
		case 'title':
		case 'rich_text':
			return plainText(inner);
		case 'number':
		case 'checkbox':
		case 'url':
		case 'email':
		case 'phone_number':
		case 'created_time':
		case 'last_edited_time':
			return inner ?? null;
		case 'select':
		case 'status':
			return inner && typeof inner === 'object' ? ((inner as { name?: string }).name ?? null) : null;
		case 'multi_select':
			return Array.isArray(inner) ? inner.map((o: { name?: string }) => o?.name ?? '') : [];
		case 'date': {
			if (!inner || typeof inner !== 'object') return null;
			const d = inner as { start?: string; end?: string | null };
			return d.end ? { start: d.start ?? null, end: d.end } : (d.start ?? null);
		}
		case 'relation':
			return Array.isArray(inner) ? inner.map((r: { id?: string }) => r?.id ?? '') : [];
		case 'people':
			return Array.isArray(inner) ? inner.map((p: { id?: string; name?: string }) => p?.name ?? p?.id ?? '') : [];
		case 'files':
			return Array.isArray(inner)
				? inner.map((f: { name?: string; file?: { url?: string }; external?: { url?: string } }) => f?.file?.url ?? f?.external?.url ?? f?.name ?? '')
				: [];
		case 'formula': {
			if (!inner || typeof inner !== 'object') return null;
			const f = inner as Record<string, unknown> & { type?: string };
			const v = f[f.type ?? ''];
			return v && typeof v === 'object' && 'start' in (v as object) ? (v as { start: unknown }).start : (v ?? null);
		}
		case 'rollup': {
			if (!inner || typeof inner !== 'object') return null;
			const r = inner as Record<string, unknown> & { type?: string };
			const v = r[r.type ?? ''];
			if (Array.isArray(v)) return v.map((x) => fromNotionValue(x as NotionPropertyValue));
			return v ?? null;
		}
		case 'unique_id': {
			if (!inner || typeof inner !== 'object') return null;
			const u = inner as { prefix?: string | null; number?: number | null };
			return u.prefix ? `${u.prefix}-${String(u.number)}` : (u.number ?? null);
		}
		case 'created_by':
		case 'last_edited_by':
			return inner && typeof inner === 'object' ? ((inner as { name?: string; id?: string }).name ?? (inner as { id?: string }).id ?? null) : null;
		default:
			return inner ?? null;
	}
}

/** The canonical form of a property value read from Notion, comparable with toNotionValue(...).canonical. */
export function canonicalFromNotion(type: WritableType, value: NotionPropertyValue | undefined): Canonical {
	const inner = value ? (value[type] as unknown) : undefined;
	switch (type) {
		case 'title':
		case 'rich_text':
			return plainText(inner);
		case 'number':
			return typeof inner === 'number' ? inner : null;
		case 'select':
		case 'status':
			return inner && typeof inner === 'object' ? ((inner as { name?: string }).name ?? null) : null;
		case 'multi_select':
			return Array.isArray(inner) ? inner.map((o: { name?: string }) => o?.name ?? '').sort() : [];
		case 'date': {
			if (!inner || typeof inner !== 'object') return null;
			const d = inner as { start?: string; end?: string | null; time_zone?: string | null };
			const zone = d.time_zone && isValidZone(d.time_zone) ? d.time_zone : DEFAULT_ZONE;
			return { start: dateCanonical(d.start, zone) as string | number, end: dateCanonical(d.end, zone) };
		}
		case 'checkbox':
			return inner === true;
		case 'url':
		case 'email':
		case 'phone_number':
			return typeof inner === 'string' && inner !== '' ? inner : null;
		case 'relation':
			return Array.isArray(inner) ? inner.map((r: { id?: string }) => normaliseId(r?.id ?? '')).sort() : [];
	}
}

export function canonicalEqual(a: Canonical, b: Canonical): boolean {
	if (a === b) return true;
	if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
	if (Array.isArray(a) || Array.isArray(b)) {
		return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]);
	}
	return a.start === b.start && a.end === b.end;
}

/** Plain value of a canonical form (for output: what changed, from -> to). */
export function displayCanonical(value: Canonical): unknown {
	if (value && typeof value === 'object' && !Array.isArray(value)) {
		const show = (v: string | number | null) => (typeof v === 'number' ? new Date(v).toISOString() : v);
		return value.end === null ? show(value.start) : { start: show(value.start), end: show(value.end) };
	}
	return value;
}

/** Key values compare as trimmed text; numbers as their decimal text. */
export function keyText(value: unknown): string | null {
	if (value === null || value === undefined) return null;
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
	if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
	if (typeof value === 'boolean') return String(value);
	return null;
}
