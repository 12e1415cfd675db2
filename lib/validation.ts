import { defaultErrorMap, ZodArray, ZodDefault, ZodDiscriminatedUnion, ZodEffects, ZodLazy, ZodNullable, ZodObject, ZodOptional, ZodRecord, ZodTuple, ZodUnion } from 'zod';
import type { ZodIssue, ZodType, ZodTypeAny, ZodTypeDef } from 'zod';
import { ValidationError, type ServiceName } from './errors';
import { redact } from './http/redact';

export interface ParseContext {
	/** What is being parsed, in words: "UniFi GET /v1/sites response", "parameter 'Limit'". */
	what: string;
	service?: ServiceName;
	operation?: string;
	itemIndex?: number;
	/** What the user can do about it, shown under the message. */
	hint?: string;
}

type Path = ReadonlyArray<string | number>;

/** `data.items[3].meta.name` style path for a zod issue. */
export function issuePath(path: Path): string {
	let out = '';
	for (const part of path) {
		if (typeof part === 'number') out += `[${part}]`;
		else out += out ? `.${part}` : part;
	}
	return out || '(root)';
}

const MAX_DESCRIBED = 80;

/**
 * Short rendering of a received value for messages; long values are cut. JSON-like, except for what JSON cannot
 * say: NaN and Infinity are not `null`, a bigint keeps its `n`, a function or symbol is named, not serialised.
 * Secrets are masked (lib/http/redact) before the rendering is cut: cut first, a secret that straddles the cut
 * would no longer match and its first part would be shown.
 */
export function describeValue(value: unknown, extraSecrets: Iterable<string> = []): string {
	const text = redact(render(value, 0, new WeakSet<object>()), extraSecrets);
	return text.length > MAX_DESCRIBED ? `${text.slice(0, MAX_DESCRIBED - 3)}...` : text;
}

function render(value: unknown, depth: number, seen: WeakSet<object>): string {
	switch (typeof value) {
		case 'undefined':
			return 'undefined';
		case 'number':
			return Object.is(value, -0) ? '-0' : String(value);
		case 'bigint':
			return `${value}n`;
		case 'string':
			return JSON.stringify(value);
		case 'boolean':
			return String(value);
		case 'symbol':
			return value.toString();
		case 'function':
			return value.name ? `[function ${value.name}]` : '[function]';
	}
	if (value === null) return 'null';
	const object = value as object;
	if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : JSON.stringify(object.toISOString());
	if (seen.has(object)) return '[Circular]';
	// Deep structures are cut anyway: stop descending once the rendering cannot fit.
	if (depth > 4) return Array.isArray(object) ? '[...]' : '{...}';
	seen.add(object);
	try {
		const budget = MAX_DESCRIBED + 1;
		if (Array.isArray(object)) {
			let out = '[';
			for (let i = 0; i < object.length && out.length < budget; i++) out += (i ? ',' : '') + render(object[i], depth + 1, seen);
			return `${out}]`;
		}
		if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
			return render((object as { toJSON: () => unknown }).toJSON(), depth + 1, seen);
		}
		let out = '{';
		let first = true;
		for (const [key, entry] of Object.entries(object)) {
			if (out.length >= budget) break;
			// Like JSON: properties whose value is undefined are left out.
			if (entry === undefined) continue;
			out += `${first ? '' : ','}${JSON.stringify(key)}:${render(entry, depth + 1, seen)}`;
			first = false;
		}
		return `${out}}`;
	} finally {
		seen.delete(object);
	}
}

function valueAt(data: unknown, path: Path): unknown {
	let current: unknown = data;
	for (const part of path) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string | number, unknown>)[part];
	}
	return current;
}

const plural = (n: number | bigint, one: string, many: string) => `${String(n)} ${n === 1 || n === BigInt(1) ? one : many}`;

/** Whether the issue carries a message the schema's author wrote (z.string().regex(re, 'a numeric ID')). */
function customMessage(issue: ZodIssue): string | undefined {
	try {
		const fallback = defaultErrorMap(issue, { defaultError: '', data: undefined }).message;
		return issue.message && issue.message !== fallback ? issue.message : undefined;
	} catch {
		return undefined;
	}
}

function expectedOfString(issue: Extract<ZodIssue, { code: 'invalid_string' }>): string {
	const custom = customMessage(issue);
	if (custom) return custom;
	const v = issue.validation;
	if (typeof v === 'object') {
		if ('includes' in v) return `text containing ${JSON.stringify(v.includes)}`;
		if ('startsWith' in v) return `text starting with ${JSON.stringify(v.startsWith)}`;
		return `text ending with ${JSON.stringify(v.endsWith)}`;
	}
	const named: Record<string, string> = {
		email: 'an email address',
		url: 'a URL such as https://example.com',
		uuid: 'a UUID',
		datetime: 'a date and time such as 2026-01-31T08:00:00Z',
		date: 'a date such as 2026-01-31',
		time: 'a time such as 08:00:00',
		ip: 'an IP address',
		cidr: 'an IP range such as 10.0.0.0/24',
		regex: 'text in the expected format',
	};
	return named[v] ?? `a valid ${v}`;
}

function boundText(kind: 'min' | 'max', type: string, bound: number | bigint, inclusive: boolean, exact: boolean | undefined): string {
	if (type === 'date') {
		const when = new Date(Number(bound)).toISOString();
		return kind === 'min' ? `a date on or after ${when}` : `a date on or before ${when}`;
	}
	const unit = type === 'string' ? ['character', 'characters'] : type === 'array' || type === 'set' ? ['entry', 'entries'] : undefined;
	if (unit) {
		const count = plural(bound, unit[0], unit[1]);
		if (exact) return `exactly ${count}`;
		return kind === 'min' ? `at least ${count}` : `at most ${count}`;
	}
	if (exact) return `exactly ${String(bound)}`;
	if (kind === 'min') return inclusive ? `a value >= ${String(bound)}` : `a value > ${String(bound)}`;
	return inclusive ? `a value <= ${String(bound)}` : `a value < ${String(bound)}`;
}

/** What the schema wanted where `issue` failed, in words. */
function expectedOf(issue: ZodIssue): string {
	switch (issue.code) {
		case 'invalid_type':
			return issue.expected;
		case 'invalid_enum_value':
			return `one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}`;
		case 'invalid_union_discriminator':
			return `one of ${issue.options.map((o) => describeValue(o)).join(', ')}`;
		case 'invalid_literal':
			return describeValue(issue.expected);
		case 'too_small':
			return boundText('min', issue.type, issue.minimum, issue.inclusive, issue.exact);
		case 'too_big':
			return boundText('max', issue.type, issue.maximum, issue.inclusive, issue.exact);
		case 'invalid_string':
			return expectedOfString(issue);
		case 'invalid_date':
			return 'a valid date';
		case 'not_multiple_of':
			return `a multiple of ${String(issue.multipleOf)}`;
		case 'not_finite':
			return 'a finite number';
		case 'invalid_intersection_types':
			return 'a value that fits all of its required forms';
		case 'unrecognized_keys':
			return 'only known fields';
		default:
			return customMessage(issue) ?? 'a valid value';
	}
}

interface Problem {
	path: Path;
	expected: string;
	/** Whole line after the path, when "expected X, received Y" does not fit (an unknown field). */
	text?: string;
	/** The received value is not worth showing (an unknown field's value). */
	noReceived?: boolean;
}

/** Object keys the schema allows at `path`, when they can be read off the schema (every branch of a union). */
function knownKeysAt(schema: ZodTypeAny | undefined, path: Path, depth = 0): string[] | undefined {
	let current = schema;
	for (let i = 0; current && i < 20; i++) {
		if (current instanceof ZodEffects) current = current.innerType();
		else if (current instanceof ZodOptional || current instanceof ZodNullable) current = current.unwrap();
		else if (current instanceof ZodDefault) current = current.removeDefault();
		else if (current instanceof ZodLazy) current = current.schema;
		else break;
	}
	if (!current || depth > 20) return undefined;
	if (current instanceof ZodUnion || current instanceof ZodDiscriminatedUnion) {
		const keys = new Set<string>();
		for (const option of current.options as ZodTypeAny[]) for (const key of knownKeysAt(option, path, depth + 1) ?? []) keys.add(key);
		return keys.size ? [...keys] : undefined;
	}
	if (path.length === 0) return current instanceof ZodObject ? Object.keys(current.shape as Record<string, unknown>) : undefined;
	const [part, ...rest] = path;
	if (current instanceof ZodObject) return knownKeysAt((current.shape as Record<string, ZodTypeAny>)[String(part)], rest, depth + 1);
	if (current instanceof ZodArray) return knownKeysAt(current.element, rest, depth + 1);
	if (current instanceof ZodRecord) return knownKeysAt(current.valueSchema, rest, depth + 1);
	if (current instanceof ZodTuple) return knownKeysAt((current.items as ZodTypeAny[])[Number(part)], rest, depth + 1);
	return undefined;
}

function editDistance(a: string, b: string): number {
	const row = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		let diagonal = row[0];
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const above = row[j];
			row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
			diagonal = above;
		}
	}
	return row[b.length];
}

/** The known key an unknown one was most likely meant to be (a typo or a case slip). */
function closestKey(key: string, known: string[]): string | undefined {
	let best: string | undefined;
	let bestDistance = Infinity;
	for (const candidate of known) {
		const distance = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key.toLowerCase(), candidate.toLowerCase());
		if (distance < bestDistance) {
			best = candidate;
			bestDistance = distance;
		}
	}
	return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 4)) ? best : undefined;
}

const samePath = (a: Path, b: Path) => a.length === b.length && a.every((part, i) => part === b[i]);

/**
 * The problems to report for one zod issue. A union that failed gets the problems of the branch that got
 * furthest (the value had that branch's shape), or, when the value fit none of the shapes, "A or B".
 */
function problemsOf(issue: ZodIssue, schema: ZodTypeAny): Problem[] {
	if (issue.code === 'unrecognized_keys') {
		const known = knownKeysAt(schema, issue.path);
		return issue.keys.map((key) => {
			const suggestion = known ? closestKey(key, known) : undefined;
			const listed = known?.map((k) => `'${k}'`).join(', ');
			const advice = suggestion ? `did you mean '${suggestion}'?` : listed ? `known fields are ${listed}` : 'remove it';
			return {
				path: [...issue.path, key],
				expected: suggestion ? `'${suggestion}'` : listed ? `one of ${listed}` : 'only known fields',
				text: `unknown field; ${advice}`,
				noReceived: true,
			};
		});
	}
	if (issue.code === 'invalid_union') {
		const shapeMismatch = (i: ZodIssue) => samePath(i.path, issue.path) && (i.code === 'invalid_type' || i.code === 'invalid_literal' || i.code === 'invalid_enum_value');
		const branches = issue.unionErrors.map((e) => e.issues).filter((issues) => issues.length > 0);
		const further = branches.filter((issues) => !issues.every(shapeMismatch));
		if (further.length) {
			// The branch whose problems lie deepest matched the value's shape best.
			const depth = (issues: ZodIssue[]) => Math.max(...issues.map((i) => i.path.length));
			const best = further.reduce((a, b) => (depth(b) > depth(a) || (depth(b) === depth(a) && b.length < a.length) ? b : a));
			return best.flatMap((i) => problemsOf(i, schema));
		}
		const forms = [...new Set(branches.flatMap((issues) => issues.filter(shapeMismatch).map(expectedOf)))];
		return [{ path: issue.path, expected: forms.length ? forms.join(' or ') : 'a valid value' }];
	}
	return [{ path: issue.path, expected: expectedOf(issue) }];
}

/**
 * Parse `data` with `schema` or throw a ValidationError naming the field, what was expected and what arrived.
 * Only the first few problems are listed; the first one fills the structured fields.
 */
export function parseWith<T>(schema: ZodType<T, ZodTypeDef, unknown>, data: unknown, context: ParseContext): T {
	const result = schema.safeParse(data);
	if (result.success) return result.data;
	const problems = result.error.issues.flatMap((issue) => problemsOf(issue, schema));
	// Only the received values can hold secrets (a token echoed in a payload); the rest of the message is ours.
	const received = (p: Problem) => {
		const value = valueAt(data, p.path);
		return value === undefined ? 'missing' : describeValue(value);
	};
	const line = (p: Problem) => {
		if (p.text) return `${issuePath(p.path)}: ${p.text}`;
		const got = received(p);
		return got === 'missing' ? `${issuePath(p.path)}: missing, expected ${p.expected}` : `${issuePath(p.path)}: expected ${p.expected}, received ${got}`;
	};
	const lines = problems.slice(0, 3).map(line);
	const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
	const itemPart = context.itemIndex === undefined ? '' : ` (item ${context.itemIndex})`;
	const first = problems[0];
	throw new ValidationError(`Invalid ${context.what}${itemPart}: ${lines.join('; ')}${more}`, {
		service: context.service,
		operation: context.operation,
		itemIndex: context.itemIndex,
		field: first ? issuePath(first.path) : undefined,
		expected: first?.expected,
		received: first && !first.noReceived ? received(first) : undefined,
		description: context.hint,
		retryable: false,
	});
}
