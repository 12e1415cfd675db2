import { z } from 'zod';

/**
 * zod schemas for the HubSpot CRM v3 payloads the package reads (docs/hubspot.md). Objects are `passthrough` so raw
 * output keeps every field HubSpot sends; only what the client acts on is required. Property values are strings or
 * null: HubSpot sends every value as a string (numbers, booleans and dates included).
 */

const propertyValue = z.string().nullable();

export const crmObjectSchema = z
	.object({
		id: z.string().min(1),
		properties: z.record(propertyValue),
		createdAt: z.string().optional(),
		updatedAt: z.string().optional(),
		archived: z.boolean().optional(),
		archivedAt: z.string().optional(),
	})
	.passthrough();
export type HubSpotObject = z.infer<typeof crmObjectSchema>;

const pagingSchema = z
	.object({
		next: z.object({ after: z.string().min(1), link: z.string().optional() }).passthrough().optional(),
	})
	.passthrough()
	.optional();

export const objectPageSchema = z.object({ results: z.array(crmObjectSchema), paging: pagingSchema }).passthrough();

export const searchPageSchema = z
	.object({
		total: z.number().int().nonnegative(),
		results: z.array(crmObjectSchema),
		paging: pagingSchema,
	})
	.passthrough();

/** One error of a batch answer: which inputs it names is in `context` (`ids`, `objectWriteTraceId`, ...). */
export const batchErrorSchema = z
	.object({
		status: z.string().optional(),
		category: z.string().optional(),
		message: z.string().optional(),
		context: z.record(z.unknown()).optional(),
		errors: z.array(z.object({ message: z.string().optional(), code: z.string().optional() }).passthrough()).optional(),
	})
	.passthrough();
export type HubSpotBatchError = z.infer<typeof batchErrorSchema>;

export const batchResultSchema = crmObjectSchema.extend({ new: z.boolean().optional(), objectWriteTraceId: z.string().optional() }).passthrough();
export type HubSpotBatchResult = z.infer<typeof batchResultSchema>;

export const batchResponseSchema = z
	.object({
		status: z.string(),
		results: z.array(batchResultSchema),
		errors: z.array(batchErrorSchema).optional(),
		numErrors: z.number().int().optional(),
	})
	.passthrough();

export const propertyOptionSchema = z.object({ label: z.string(), value: z.string() }).passthrough();

export const propertyDefinitionSchema = z
	.object({
		name: z.string().min(1),
		label: z.string(),
		type: z.string(),
		fieldType: z.string(),
		groupName: z.string(),
		hasUniqueValue: z.boolean().optional(),
		options: z.array(propertyOptionSchema).optional(),
		/** A calculated property (rollups, formulas, `calculation_equation`): HubSpot computes its value. */
		calculated: z.boolean().optional(),
		/** `readOnlyValue`: HubSpot refuses writes of the value (record id, create date, ...). */
		modificationMetadata: z.object({ readOnlyValue: z.boolean().optional() }).passthrough().optional(),
	})
	.passthrough();
export type HubSpotPropertyDefinition = z.infer<typeof propertyDefinitionSchema>;

export const propertyListSchema = z.object({ results: z.array(propertyDefinitionSchema) }).passthrough();

export const propertyGroupSchema = z.object({ name: z.string().min(1), label: z.string(), displayOrder: z.number().optional() }).passthrough();
export type HubSpotPropertyGroup = z.infer<typeof propertyGroupSchema>;

export const propertyGroupListSchema = z.object({ results: z.array(propertyGroupSchema) }).passthrough();

/** HubSpot's error body; every field optional (HubSpot's own advice when parsing errors). */
export const errorBodySchema = z
	.object({
		status: z.string().optional(),
		message: z.string().optional(),
		correlationId: z.string().optional(),
		category: z.string().optional(),
		errorType: z.string().optional(),
		policyName: z.string().optional(),
		context: z.record(z.unknown()).optional(),
		errors: z.array(z.object({ message: z.string().optional(), code: z.string().optional() }).passthrough()).optional(),
	})
	.passthrough();
