import { ValidationError } from '../../../lib/errors';
import {
	canonicalEqual,
	canonicalFromNotion,
	fromNotionValue,
	splitText,
	toNotionValue,
	type WritableType,
} from '../../../lib/notion/properties';

const ctx = { property: 'Score', itemIndex: 4 };

function failure(type: WritableType, value: unknown): ValidationError {
	try {
		toNotionValue(type, value, { property: 'Prop X', itemIndex: 2 });
	} catch (error) {
		return error as ValidationError;
	}
	throw new Error(`expected ${type} ${JSON.stringify(value)} to fail`);
}

describe('toNotionValue: every writable type', () => {
	it('title and rich_text: text, numbers as text, empty and null clear', () => {
		expect(toNotionValue('title', 'Harbor Dental', ctx).write).toEqual({ title: [{ type: 'text', text: { content: 'Harbor Dental' } }] });
		expect(toNotionValue('rich_text', 42, ctx)).toEqual({ write: { rich_text: [{ type: 'text', text: { content: '42' } }] }, canonical: '42' });
		expect(toNotionValue('rich_text', null, ctx)).toEqual({ write: { rich_text: [] }, canonical: '' });
		expect(toNotionValue('title', '', ctx).write).toEqual({ title: [] });
	});

	it('number: numbers and numeric text; null and empty clear', () => {
		expect(toNotionValue('number', 87.5, ctx)).toEqual({ write: { number: 87.5 }, canonical: 87.5 });
		expect(toNotionValue('number', ' 12 ', ctx).canonical).toBe(12);
		expect(toNotionValue('number', null, ctx)).toEqual({ write: { number: null }, canonical: null });
		expect(toNotionValue('number', '', ctx).write).toEqual({ number: null });
	});

	it('select, status: option name or {name}; null clears', () => {
		expect(toNotionValue('select', 'critical', ctx).write).toEqual({ select: { name: 'critical' } });
		expect(toNotionValue('status', { name: 'Done' }, ctx).write).toEqual({ status: { name: 'Done' } });
		expect(toNotionValue('select', null, ctx).write).toEqual({ select: null });
	});

	it('multi_select: arrays or comma lists, de-duplicated; canonical is order-free', () => {
		const a = toNotionValue('multi_select', ['wan', 'offline', 'wan'], ctx);
		expect(a.write).toEqual({ multi_select: [{ name: 'wan' }, { name: 'offline' }] });
		const b = toNotionValue('multi_select', 'offline, wan', ctx);
		expect(canonicalEqual(a.canonical, b.canonical)).toBe(true);
		expect(toNotionValue('multi_select', null, ctx)).toEqual({ write: { multi_select: [] }, canonical: [] });
	});

	it('date: date-only, date-time, Date, {start,end}; equal instants compare equal', () => {
		expect(toNotionValue('date', '2026-11-22', ctx).write).toEqual({ date: { start: '2026-11-22' } });
		expect(toNotionValue('date', { start: '2026-11-01', end: '2026-11-30' }, ctx).write).toEqual({ date: { start: '2026-11-01', end: '2026-11-30' } });
		const utc = toNotionValue('date', '2026-11-22T06:00:00Z', ctx).canonical;
		const offset = toNotionValue('date', '2026-11-22T07:00:00.000+01:00', ctx).canonical;
		expect(canonicalEqual(utc, offset)).toBe(true);
		expect(toNotionValue('date', new Date('2026-11-22T06:00:00Z'), ctx).write).toEqual({ date: { start: '2026-11-22T06:00:00.000Z' } });
		expect(toNotionValue('date', null, ctx).write).toEqual({ date: null });
	});

	it('checkbox: booleans, 0/1 and yes/no text; null is false', () => {
		expect(toNotionValue('checkbox', true, ctx).write).toEqual({ checkbox: true });
		expect(toNotionValue('checkbox', 'no', ctx).canonical).toBe(false);
		expect(toNotionValue('checkbox', 1, ctx).canonical).toBe(true);
		expect(toNotionValue('checkbox', null, ctx).write).toEqual({ checkbox: false });
	});

	it('url, email, phone_number: text; null clears', () => {
		expect(toNotionValue('url', 'https://unifi.ui.com/site/1', ctx).write).toEqual({ url: 'https://unifi.ui.com/site/1' });
		expect(toNotionValue('email', 'ops@harbor.example', ctx).write).toEqual({ email: 'ops@harbor.example' });
		expect(toNotionValue('phone_number', '+1 619 555 0100', ctx).write).toEqual({ phone_number: '+1 619 555 0100' });
		expect(toNotionValue('url', null, ctx).write).toEqual({ url: null });
	});

	it('relation: id, id list or [{id}]; canonical ignores dashes, case and order', () => {
		const a = toNotionValue('relation', ['0123456789ABCDEF0123456789abcdef', { id: 'fedcba98-7654-3210-fedc-ba9876543210' }], ctx);
		expect(a.write).toEqual({ relation: [{ id: '0123456789ABCDEF0123456789abcdef' }, { id: 'fedcba98-7654-3210-fedc-ba9876543210' }] });
		const b = toNotionValue('relation', 'fedcba9876543210fedcba9876543210, 01234567-89ab-cdef-0123-456789abcdef', ctx);
		expect(canonicalEqual(a.canonical, b.canonical)).toBe(true);
		expect(toNotionValue('relation', null, ctx).write).toEqual({ relation: [] });
	});
});

describe('wrong types fail the item naming the property, the expected type and the value', () => {
	it.each<[WritableType, unknown]>([
		['number', 'eighty'],
		['number', { value: 3 }],
		['select', ['a']],
		['select', 'a,b'],
		['multi_select', 5],
		['date', 'yesterday'],
		['date', '2026-13-45'],
		['checkbox', 'maybe'],
		['email', 'not-an-email'],
		['url', 12],
		['relation', [5]],
		['title', { nested: true }],
	])('%s <- %p', (type, value) => {
		const error = failure(type, value);
		expect(error).toBeInstanceOf(ValidationError);
		expect(error.message).toContain("'Prop X'");
		expect(error.message).toContain(type);
		expect(error.message).toContain(JSON.stringify(value).slice(0, 20));
		expect(error.field).toBe('Prop X');
		expect(error.itemIndex).toBe(2);
	});
});

describe('size limits', () => {
	it('splits text over 2000 characters into 2000-character rich text objects', () => {
		const text = 'x'.repeat(4500);
		const value = toNotionValue('rich_text', text, ctx).write.rich_text as Array<{ text: { content: string } }>;
		expect(value.map((v) => v.text.content.length)).toEqual([2000, 2000, 500]);
		expect(value.map((v) => v.text.content).join('')).toBe(text);
	});

	it('never cuts a surrogate pair', () => {
		const text = 'a'.repeat(1999) + '😀' + 'b';
		const chunks = splitText(text);
		expect(chunks[0]).toHaveLength(1999);
		expect(chunks.join('')).toBe(text);
	});

	it('fails text that needs more than 100 objects', () => {
		expect(() => toNotionValue('rich_text', 'y'.repeat(200_001), ctx)).toThrow(/100 x 2000/);
	});

	it('fails more than 100 multi-select options or relations and option names over 100 characters', () => {
		expect(() => toNotionValue('multi_select', Array.from({ length: 101 }, (_, i) => `o${i}`), ctx)).toThrow(ValidationError);
		expect(() => toNotionValue('relation', Array.from({ length: 101 }, (_, i) => `${String(i).padStart(32, '0')}`), ctx)).toThrow(ValidationError);
		expect(() => toNotionValue('select', 'z'.repeat(101), ctx)).toThrow(/at most 100/);
	});
});

describe('reading Notion values', () => {
	it('canonicalFromNotion matches toNotionValue for values Notion echoes back', () => {
		const page = {
			title: { type: 'title', title: [{ plain_text: 'ab' }, { plain_text: 'cd' }] },
			number: { type: 'number', number: 5 },
			multi: { type: 'multi_select', multi_select: [{ name: 'b' }, { name: 'a' }] },
			date: { type: 'date', date: { start: '2026-11-22T06:00:00.000+00:00', end: null } },
			url: { type: 'url', url: null },
		};
		expect(canonicalEqual(canonicalFromNotion('title', page.title), toNotionValue('title', 'abcd', ctx).canonical)).toBe(true);
		expect(canonicalEqual(canonicalFromNotion('number', page.number), toNotionValue('number', '5', ctx).canonical)).toBe(true);
		expect(canonicalEqual(canonicalFromNotion('multi_select', page.multi), toNotionValue('multi_select', ['a', 'b'], ctx).canonical)).toBe(true);
		expect(canonicalEqual(canonicalFromNotion('date', page.date), toNotionValue('date', '2026-11-22T06:00:00Z', ctx).canonical)).toBe(true);
		expect(canonicalEqual(canonicalFromNotion('url', page.url), toNotionValue('url', '', ctx).canonical)).toBe(true);
		expect(canonicalEqual(canonicalFromNotion('number', page.number), toNotionValue('number', 6, ctx).canonical)).toBe(false);
	});

	it('fromNotionValue flattens read-only types too', () => {
		expect(fromNotionValue({ type: 'formula', formula: { type: 'number', number: 3 } })).toBe(3);
		expect(fromNotionValue({ type: 'unique_id', unique_id: { prefix: 'SITE', number: 7 } })).toBe('SITE-7');
		expect(fromNotionValue({ type: 'date', date: { start: '2026-11-01', end: '2026-11-02' } })).toEqual({ start: '2026-11-01', end: '2026-11-02' });
		expect(fromNotionValue({ type: 'select', select: null })).toBeNull();
	});
});
