import { dateTimeParameter, instantOf, isValidZone, parseDateOnly, parseDateTime, parseDecimal } from '../../lib/datetime';
import { canonicalEqual, canonicalFromNotion, toNotionValue } from '../../lib/notion/properties';

/**
 * The number and date rules (lib/datetime.ts). `npm run test:unit` runs this file again under
 * TZ=America/New_York and TZ=Asia/Kolkata (scripts/jest-in-zones.js): every expectation is the same in every zone,
 * because no rule may depend on the server's local zone.
 */

const ctx = { property: 'When', itemIndex: 0 };

describe('numbers: decimal notation only', () => {
	it.each([
		['12', 12],
		[' -3.5 ', -3.5],
		['.5', 0.5],
		['+7', 7],
		['10.', 10],
		[42, 42],
	])('%j is %j', (input, expected) => {
		expect(parseDecimal(input)).toBe(expected);
	});

	it.each(['0x10', '1e3', '1E-2', '1,000', '1_000', 'Infinity', '-Infinity', 'NaN', '', '  ', '12abc', '0b101', '0o17', Number.NaN, Number.POSITIVE_INFINITY, true, null, {}])(
		'%p is refused',
		(input) => {
			expect(parseDecimal(input)).toBeUndefined();
		},
	);

	it('the Notion number property refuses what is not decimal instead of writing another value', () => {
		expect(() => toNotionValue('number', '0x10', ctx)).toThrow(/expected a decimal number for Notion type number, received "0x10" \(decimal notation only/);
		expect(() => toNotionValue('number', '1e3', ctx)).toThrow(/received "1e3"/);
		expect(toNotionValue('number', ' 12.50 ', ctx).write).toEqual({ number: 12.5 });
	});
});

describe('dates: ISO 8601, real calendar dates, explicit zones', () => {
	it('a date must exist in the calendar', () => {
		expect(parseDateOnly('2026-02-28')).toBe('2026-02-28');
		expect(parseDateOnly('2028-02-29')).toBe('2028-02-29');
		for (const bad of ['2026-02-30', '2026-02-29', '2026-13-01', '2026-04-31', '2026-00-10', '26-01-01', '2026/01/01', '01/02/2026']) {
			expect(parseDateOnly(bad)).toBeUndefined();
		}
		expect(() => toNotionValue('date', '2026-02-30', ctx)).toThrow(/not a real date or time/);
		expect(() => toNotionValue('date', '2026-02-30T10:00:00Z', ctx)).toThrow(/not a real date or time/);
		expect(() => toNotionValue('date', '2026-11-22T25:00:00Z', ctx)).toThrow(/not a real date or time/);
	});

	it('a date-time with an offset keeps it; without one it is read in the given zone, or UTC, never the server zone', () => {
		expect(parseDateTime('2026-11-22T06:00:00Z')).toEqual({ epochMs: Date.UTC(2026, 10, 22, 6), iso: '2026-11-22T06:00:00Z', hadOffset: true });
		expect(parseDateTime('2026-11-22T06:00:00+05:30')?.iso).toBe('2026-11-22T06:00:00+05:30');
		expect(parseDateTime('2026-11-22T06:00')?.iso).toBe('2026-11-22T06:00:00Z');
		expect(parseDateTime('2026-11-22 06:00:00', 'America/New_York')?.iso).toBe('2026-11-22T06:00:00-05:00');
		expect(parseDateTime('2026-07-01T06:00', 'America/New_York')?.epochMs).toBe(Date.UTC(2026, 6, 1, 10));
		expect(parseDateTime('2026-11-22T06:00:00.123', 'Asia/Kolkata')?.epochMs).toBe(Date.UTC(2026, 10, 22, 0, 30, 0, 123));
		for (const bad of ['2026-11-22T06', '22/11/2026 06:00', 'tomorrow', '2026-W47', '2026-326', '06:00', '2026-11-22T06:00:00 PST']) {
			expect(parseDateTime(bad)).toBeUndefined();
		}
	});

	it('Notion date values: written with an explicit offset, read back in their own time_zone or UTC, so a re-run finds them unchanged', () => {
		const written = toNotionValue('date', '2026-11-22T06:00', { ...ctx, zone: 'America/New_York' });
		expect(written.write).toEqual({ date: { start: '2026-11-22T06:00:00-05:00' } });
		// Notion answers with its own rendering of the same instant.
		const readBack = canonicalFromNotion('date', { type: 'date', date: { start: '2026-11-22T11:00:00.000+00:00', end: null } });
		expect(canonicalEqual(readBack, written.canonical)).toBe(true);
		// A value stored with a time_zone and no offset means that zone's wall time.
		const zoned = canonicalFromNotion('date', { type: 'date', date: { start: '2026-11-22T06:00:00.000', end: null, time_zone: 'America/New_York' } });
		expect(canonicalEqual(zoned, written.canonical)).toBe(true);
		const utc = canonicalFromNotion('date', { type: 'date', date: { start: '2026-11-22T06:00:00.000', end: null } });
		expect(utc).toEqual({ start: Date.UTC(2026, 10, 22, 6), end: null });
		expect(toNotionValue('date', '2026-11-22', ctx).write).toEqual({ date: { start: '2026-11-22' } });
	});

	it('date-time parameters (the n8n date picker sends no offset) are read in the workflow zone and sent as UTC', () => {
		expect(dateTimeParameter('America/New_York').parse('2026-11-20T06:00:00')).toBe('2026-11-20T11:00:00Z');
		expect(dateTimeParameter('Asia/Kolkata').parse('2026-11-20T06:00:00')).toBe('2026-11-20T00:30:00Z');
		expect(dateTimeParameter().parse('2026-11-20T06:00:00.250+01:00')).toBe('2026-11-20T05:00:00.250Z');
		expect(dateTimeParameter().safeParse('2026-02-30T06:00:00').success).toBe(false);
	});

	it('zones are IANA names', () => {
		expect(isValidZone('UTC')).toBe(true);
		expect(isValidZone('Europe/Berlin')).toBe(true);
		expect(isValidZone('Mars/Olympus')).toBe(false);
		expect(instantOf('2026-01-01T00:00', 'Europe/Berlin')).toBe(Date.UTC(2025, 11, 31, 23));
	});
});
