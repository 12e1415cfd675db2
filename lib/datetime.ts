import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

/**
 * The package's one set of rules for reading numbers, dates and date-times from item fields and parameters.
 *
 * Numbers: decimal notation only (`12`, `-3.5`, `.5`, with surrounding spaces). Hex (`0x10`), exponents (`1e3`),
 * thousands separators, `Infinity` and `NaN` are refused rather than guessed, because JavaScript's `Number()` would
 * quietly turn them into other values.
 *
 * Dates: ISO 8601 / RFC 3339 only. A date is `YYYY-MM-DD` and must exist in the calendar (2026-02-30 does not). A
 * date-time is `YYYY-MM-DDTHH:mm[:ss[.fff]]` (a space instead of `T` is allowed) with `Z` or an offset; one without
 * an offset is read in the zone the caller names (the workflow's time zone in the nodes), never in the server's
 * local zone, so the same input means the same instant on every host. With no zone named, UTC.
 *
 * Parsing uses Luxon (n8n's own date library) with an explicit zone on every call.
 */

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export const DEFAULT_ZONE = 'UTC';

/** A decimal number from a number or text, or undefined when the value is not one (see the rules above). */
export function parseDecimal(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (!DECIMAL.test(text)) return undefined;
	const n = Number(text);
	return Number.isFinite(n) ? n : undefined;
}

/** Whether `zone` is an IANA time zone name (or UTC) that Luxon knows. */
export function isValidZone(zone: string): boolean {
	return zone === 'UTC' || IANAZone.isValidZone(zone);
}

/** `YYYY-MM-DD` when the text is a real calendar date, else undefined. */
export function parseDateOnly(text: string): string | undefined {
	const t = text.trim();
	if (!DATE_ONLY.test(t)) return undefined;
	return DateTime.fromISO(t, { zone: 'UTC' }).isValid ? t : undefined;
}

export interface ParsedDateTime {
	/** Milliseconds since the epoch. */
	epochMs: number;
	/** The same instant as ISO 8601 with an explicit offset (the input's own, or the zone's). */
	iso: string;
	/** Whether the text carried its own offset. */
	hadOffset: boolean;
}

/** A date-time (see the rules above), or undefined when the text is not one or names an impossible time. */
export function parseDateTime(text: string, zone: string = DEFAULT_ZONE): ParsedDateTime | undefined {
	const t = text.trim();
	const match = DATE_TIME.exec(t);
	if (!match) return undefined;
	const hadOffset = match[3] !== undefined;
	const normalised = `${match[1]}T${match[2]}${match[3] ?? ''}`;
	const parsed = DateTime.fromISO(normalised, hadOffset ? { setZone: true } : { zone });
	if (!parsed.isValid) return undefined;
	const iso = parsed.toISO({ suppressMilliseconds: true });
	if (iso === null) return undefined;
	return { epochMs: parsed.toMillis(), iso, hadOffset };
}

/**
 * The instant a date-time read back from a service means: with an offset as written; without one, in `zone` (for
 * Notion, the value's own `time_zone`, else UTC as Notion documents). Undefined when it is not a date-time.
 */
export function instantOf(text: string, zone: string = DEFAULT_ZONE): number | undefined {
	return parseDateTime(text, zone)?.epochMs;
}

/**
 * A zod schema for a date-time parameter: the rules above, read in `zone` when the text has no offset, output as
 * UTC RFC 3339 (`2026-11-22T11:00:00Z`, milliseconds only when present).
 */
export function dateTimeParameter(zone: string = DEFAULT_ZONE) {
	return z.string().transform((value, ctx) => {
		const parsed = parseDateTime(value, zone);
		if (!parsed) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, message: `an ISO 8601 date and time such as 2026-11-22T06:00:00Z (without an offset it is read in ${zone})` });
			return z.NEVER;
		}
		return new Date(parsed.epochMs).toISOString().replace('.000Z', 'Z');
	});
}
