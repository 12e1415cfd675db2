import { z } from 'zod';
import { DEFAULT_ZONE, isValidZone } from '../datetime';
import { parseWith } from '../validation';

/** zod schemas for the Notion Sync node's parameters (validated before any call is made). */

export const SCHEMA_PROPERTY_TYPES = [
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

const optionName = z
	.string()
	.trim()
	.min(1)
	.max(100)
	.refine((s) => !s.includes(','), { message: 'option names cannot contain commas' });

export const schemaPropertySchema = z
	.object({
		name: z.string().trim().min(1).max(100),
		type: z.enum(SCHEMA_PROPERTY_TYPES),
		options: z.array(optionName).max(100).optional(),
		/** Number format, e.g. "number", "percent", "dollar". */
		format: z.string().trim().min(1).optional(),
		/** For relation: the related data source id. */
		relatedDataSourceId: z.string().trim().min(1).optional(),
	})
	.strict();
export type SchemaProperty = z.infer<typeof schemaPropertySchema>;

export const databaseSchemaSchema = z
	.array(schemaPropertySchema)
	.min(1)
	.superRefine((props, ctx) => {
		const titles = props.filter((p) => p.type === 'title');
		if (titles.length !== 1) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, message: `exactly one title property (found ${titles.length})`, path: [] });
		}
		const seen = new Set<string>();
		props.forEach((p, i) => {
			const key = p.name.toLowerCase();
			if (seen.has(key)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `unique property names ('${p.name}' repeats)`, path: [i, 'name'] });
			seen.add(key);
			if (p.type === 'relation' && !p.relatedDataSourceId) {
				ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'relatedDataSourceId for a relation property', path: [i, 'relatedDataSourceId'] });
			}
		});
	});

export function parseDatabaseSchema(value: unknown): SchemaProperty[] {
	let data = value;
	if (typeof value === 'string') {
		try {
			data = JSON.parse(value);
		} catch (error) {
			data = { invalidJson: (error as Error).message };
		}
	}
	return parseWith(databaseSchemaSchema, data, { what: 'database schema (JSON list of {name, type, options?})', service: 'notion', operation: 'ensureDatabase' });
}

export const upsertParamsSchema = z.object({
	keyProperty: z.string().trim().min(1),
	autoMap: z.boolean().default(true),
	ignoreFields: z.array(z.string()).default([]),
	mirror: z.boolean().default(false),
	dryRun: z.boolean().default(false),
	onDuplicate: z.enum(['fail', 'updateOldest']).default('fail'),
	/** Percent (0-100) of the existing rows one mirror run may archive. */
	maxArchiveShare: z.number().min(0).max(100).default(20),
	allowMassArchive: z.boolean().default(false),
	/** IANA zone for date-times without an offset. */
	timeZone: z
		.string()
		.default(DEFAULT_ZONE)
		.refine(isValidZone, { message: 'an IANA time zone such as Europe/Berlin or UTC' }),
});
export type UpsertParams = z.infer<typeof upsertParamsSchema>;

export const rateParamsSchema = z.object({
	requestsPerSecond: z.number().positive().max(100).default(3),
	burst: z.number().int().min(1).max(100).default(3),
});

const sortSchema = z.object({
	property: z.string().trim().min(1),
	direction: z.enum(['ascending', 'descending']).default('ascending'),
});

export const queryParamsSchema = z.object({
	returnAll: z.boolean().default(false),
	limit: z.number().int().min(1).default(50),
	filter: z.record(z.unknown()).optional(),
	sorts: z.array(sortSchema).default([]),
	properties: z.array(z.string().trim().min(1)).default([]),
});
export type QueryParams = z.infer<typeof queryParamsSchema>;
