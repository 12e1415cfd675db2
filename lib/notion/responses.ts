import { z } from 'zod';
import { ValidationError } from '../errors';
import { parseWith } from '../validation';
import type { WritableType } from './properties';

/**
 * zod shapes of the Notion responses this package acts on. A read that does not have the documented shape is not
 * trusted: it fails the run before anything is planned, because a sync that plans from a garbled read (a `results`
 * that is not a list, a page without the key property) would create every row again.
 *
 * Objects are `passthrough`: Notion adds fields over time, and only the fields we use are checked.
 */

const richTextItem = z.object({ plain_text: z.string() }).passthrough();
const option = z.object({ name: z.string() }).passthrough();

/** The value shape of each writable property type in a page response (`{id, type, <type>: value}`). */
export const PROPERTY_VALUE_SHAPES: Record<WritableType, z.ZodTypeAny> = {
	title: z.array(richTextItem),
	rich_text: z.array(richTextItem),
	number: z.number().nullable(),
	select: option.nullable(),
	status: option.nullable(),
	multi_select: z.array(option),
	date: z
		.object({ start: z.string(), end: z.string().nullable().optional(), time_zone: z.string().nullable().optional() })
		.passthrough()
		.nullable(),
	checkbox: z.boolean(),
	url: z.string().nullable(),
	email: z.string().nullable(),
	phone_number: z.string().nullable(),
	relation: z.array(z.object({ id: z.string() }).passthrough()),
};

const propertyValue = z.object({ id: z.string().optional(), type: z.string() }).passthrough();

export const pageSchema = z
	.object({
		object: z.literal('page'),
		id: z.string().min(1),
		url: z.string().optional(),
		created_time: z.string().min(1),
		last_edited_time: z.string().optional(),
		in_trash: z.boolean().optional(),
		archived: z.boolean().optional(),
		properties: z.record(propertyValue),
	})
	.passthrough();
export type NotionPage = z.infer<typeof pageSchema>;

/** A query result: pages, or (in wikis) data sources; anything else is not a Notion query response. */
const resultSchema = z.object({ object: z.enum(['page', 'data_source']), id: z.string().min(1) }).passthrough();

export const queryResponseSchema = z
	.object({
		object: z.literal('list'),
		results: z.array(resultSchema),
		next_cursor: z.string().nullable(),
		has_more: z.boolean(),
		request_status: z.object({ type: z.string(), incomplete_reason: z.string().optional() }).passthrough().optional(),
	})
	.passthrough()
	.refine((r) => !r.has_more || (typeof r.next_cursor === 'string' && r.next_cursor !== ''), {
		message: 'a next_cursor whenever has_more is true',
		path: ['next_cursor'],
	});
export type QueryResponse = z.infer<typeof queryResponseSchema>;

export const dataSourceSchema = z
	.object({
		object: z.literal('data_source'),
		id: z.string().min(1),
		properties: z.record(z.object({ id: z.string(), name: z.string().optional(), type: z.string() }).passthrough()),
	})
	.passthrough();

export const databaseSchema = z
	.object({
		object: z.literal('database'),
		id: z.string().min(1),
		data_sources: z.array(z.object({ id: z.string().min(1), name: z.string().optional() }).passthrough()).optional(),
	})
	.passthrough();

export const createdPageSchema = z.object({ object: z.literal('page'), id: z.string().min(1), url: z.string().optional() }).passthrough();

export const searchResponseSchema = z
	.object({
		object: z.literal('list'),
		results: z.array(z.object({ object: z.string(), id: z.string().min(1) }).passthrough()),
		next_cursor: z.string().nullable(),
		has_more: z.boolean(),
	})
	.passthrough();

/** Parse a Notion response or throw a ValidationError that names the call and says that nothing was written. */
export function parseNotionResponse<T>(
	schema: z.ZodType<T, z.ZodTypeDef, unknown>,
	data: unknown,
	operation: string,
	itemIndex?: number,
	/** Which part of the response, e.g. "page <id>, property 'Site ID'". */
	part?: string,
): T {
	try {
		return parseWith(schema, data, { what: `Notion ${operation} response${part ? ` (${part})` : ''}`, service: 'notion', operation, itemIndex });
	} catch (error) {
		if (!(error instanceof ValidationError)) throw error;
		throw new ValidationError(
			`${error.message}. The response was not used and nothing was written from it; run again, and if it persists check the credential's Notion API version (2025-09-03)`,
			{
				service: 'notion',
				operation,
				itemIndex,
				field: error.field,
				expected: error.expected,
				received: error.received,
				retryable: true,
			},
		);
	}
}

/** Whether a query response says Notion stopped the result early (the per-query result limit). */
export function isIncomplete(response: QueryResponse): boolean {
	// Any status other than "complete" is treated as incomplete: a read we cannot vouch for never leads to writes.
	return response.request_status !== undefined && response.request_status.type !== 'complete';
}
