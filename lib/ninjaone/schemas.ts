import { z } from 'zod';

/**
 * zod schemas for the NinjaOne public API v2 payloads the package reads. Objects are `passthrough` so raw output
 * keeps every field NinjaOne sends; only what the nodes rely on is required.
 */

const nullableString = z.string().nullable().optional();
const count = z.number().int().nonnegative().nullable().optional();
/** NinjaOne times are epoch seconds, often fractional. */
const epochSeconds = z.number().nullable().optional();

export const tokenResponseSchema = z
	.object({
		access_token: z.string().min(1),
		token_type: z.string().optional(),
		expires_in: z.number().positive().optional(),
		scope: z.string().optional(),
	})
	.passthrough();
export type NinjaTokenResponse = z.infer<typeof tokenResponseSchema>;

export const organizationSchema = z
	.object({
		id: z.number().int(),
		name: z.string(),
		description: nullableString,
		nodeApprovalMode: nullableString,
		tags: z.array(z.string()).nullable().optional(),
		fields: z.record(z.unknown()).nullable().optional(),
		userData: z.unknown().optional(),
	})
	.passthrough();
export type NinjaOrganization = z.infer<typeof organizationSchema>;

export const deviceSchema = z
	.object({
		id: z.number().int(),
		uid: nullableString,
		parentDeviceId: z.number().int().nullable().optional(),
		organizationId: z.number().int(),
		locationId: z.number().int().nullable().optional(),
		nodeClass: z.string(),
		approvalStatus: nullableString,
		offline: z.boolean(),
		displayName: nullableString,
		systemName: nullableString,
		dnsName: nullableString,
		created: epochSeconds,
		lastContact: epochSeconds,
		lastUpdate: epochSeconds,
	})
	.passthrough();
export type NinjaDevice = z.infer<typeof deviceSchema>;

export const healthStatusSchema = z.enum(['UNKNOWN', 'HEALTHY', 'NEEDS_ATTENTION', 'UNHEALTHY']);

export const deviceHealthSchema = z
	.object({
		deviceId: z.number().int(),
		organizationId: z.number().int().nullable().optional(),
		healthStatus: healthStatusSchema,
		offline: z.boolean().optional(),
		alertCount: count,
		activeThreatsCount: count,
		quarantinedThreatsCount: count,
		failedOSPatchesCount: count,
		pendingOSPatchesCount: count,
		pendingRebootReason: nullableString,
	})
	.passthrough();
export type NinjaDeviceHealth = z.infer<typeof deviceHealthSchema>;

export const queryCursorResponseSchema = <T extends z.ZodTypeAny>(result: T) =>
	z
		.object({
			cursor: z
				.object({
					name: z.string().nullable().optional(),
					offset: z.number().optional(),
					count: z.number().optional(),
					expires: z.number().optional(),
				})
				.passthrough()
				.nullable()
				.optional(),
			results: z.array(result),
		})
		.passthrough();

export const deviceHealthResponseSchema = queryCursorResponseSchema(deviceHealthSchema);

export const alertSchema = z
	.object({
		uid: z.string().min(1),
		deviceId: z.number().int().nullable().optional(),
		message: z.string().nullable().optional(),
		subject: nullableString,
		createTime: epochSeconds,
		updateTime: epochSeconds,
		sourceType: z.string(),
		sourceName: nullableString,
		data: z.unknown().optional(),
		device: z
			.object({ id: z.number().int().optional(), organizationId: z.number().int().nullable().optional() })
			.passthrough()
			.nullable()
			.optional(),
	})
	.passthrough();
export type NinjaAlert = z.infer<typeof alertSchema>;

export const organizationListSchema = z.array(organizationSchema);
export const deviceListSchema = z.array(deviceSchema);
export const alertListSchema = z.array(alertSchema);
