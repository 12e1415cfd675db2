import type { ZodIssue, ZodType, ZodTypeDef } from 'zod';
import { ValidationError, type ServiceName } from './errors';

export interface ParseContext {
	/** What is being parsed, in words: "UniFi GET /v1/sites response", "parameter 'Limit'". */
	what: string;
	service?: ServiceName;
	operation?: string;
	itemIndex?: number;
}

/** `data.items[3].meta.name` style path for a zod issue. */
export function issuePath(path: ReadonlyArray<string | number>): string {
	let out = '';
	for (const part of path) {
		if (typeof part === 'number') out += `[${part}]`;
		else out += out ? `.${part}` : part;
	}
	return out || '(root)';
}

/** Short rendering of a received value for messages; long values are cut. */
export function describeValue(value: unknown): string {
	if (value === undefined) return 'undefined';
	let text: string;
	try {
		text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
	} catch {
		text = String(value);
	}
	return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(data: unknown, path: ReadonlyArray<string | number>): unknown {
	let current: unknown = data;
	for (const part of path) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string | number, unknown>)[part];
	}
	return current;
}

function expectedOf(issue: ZodIssue): string {
	switch (issue.code) {
		case 'invalid_type':
			return issue.expected;
		case 'invalid_enum_value':
			return `one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}`;
		case 'invalid_literal':
			return JSON.stringify(issue.expected);
		case 'too_small':
			return issue.type === 'string'
				? `at least ${String(issue.minimum)} characters`
				: issue.type === 'array'
					? `at least ${String(issue.minimum)} entries`
					: `a value >= ${String(issue.minimum)}`;
		case 'too_big':
			return issue.type === 'string'
				? `at most ${String(issue.maximum)} characters`
				: issue.type === 'array'
					? `at most ${String(issue.maximum)} entries`
					: `a value <= ${String(issue.maximum)}`;
		default:
			return issue.message;
	}
}

/**
 * Parse `data` with `schema` or throw a ValidationError naming the field, what was expected and what arrived.
 * Only the first few issues are listed; the first one fills the structured fields.
 */
export function parseWith<T>(schema: ZodType<T, ZodTypeDef, unknown>, data: unknown, context: ParseContext): T {
	const result = schema.safeParse(data);
	if (result.success) return result.data;
	const issues = result.error.issues;
	const first = issues[0];
	const lines = issues.slice(0, 3).map((issue) => {
		const received = valueAt(data, issue.path);
		return `${issuePath(issue.path)}: expected ${expectedOf(issue)}, received ${describeValue(received)}`;
	});
	const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
	const itemPart = context.itemIndex === undefined ? '' : ` (item ${context.itemIndex})`;
	throw new ValidationError(`Invalid ${context.what}${itemPart}: ${lines.join('; ')}${more}`, {
		service: context.service,
		operation: context.operation,
		itemIndex: context.itemIndex,
		field: first ? issuePath(first.path) : undefined,
		expected: first ? expectedOf(first) : undefined,
		received: first ? describeValue(valueAt(data, first.path)) : undefined,
		retryable: false,
	});
}
