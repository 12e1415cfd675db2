import { z } from 'zod';
import { riskLevelSchema } from '../config';
import { identitySchema, nonEmptyText, readFields, type FieldsReading } from './reasons';

/**
 * A change request as the maker submits it to the Maker/Checker Gate.
 *
 * Text is trimmed, a blank rollback plan is no rollback plan, and an empty VLAN list or WiFi object is the same as
 * none, so one change has one form (and one hash, see changeHash). VLAN ids are only checked to be integers here:
 * whether an id is usable is a gate rule (lib/gate/rules), so a reserved VLAN is a rejection reason, not a parse
 * error. WiFi values are kept exactly as given, because they are applied as given (a passphrase may end in a space).
 */

const siteListSchema = z
	.array(nonEmptyText('a non-empty site id'))
	.min(1)
	.superRefine((sites, ctx) => {
		const firstIndex = new Map<string, number>();
		sites.forEach((site, index) => {
			const first = firstIndex.get(site);
			if (first === undefined) firstIndex.set(site, index);
			else ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index], message: `each site once (${JSON.stringify(site)} is already sites[${first}])` });
		});
	});

/** Missing, null and blank are the same: no rollback plan. */
const rollbackPlanSchema = z
	.string()
	.nullish()
	.transform((plan) => {
		const trimmed = plan?.trim();
		return trimmed ? trimmed : undefined;
	});

const vlanListSchema = z
	.array(z.number().int())
	.nullish()
	.transform((ids) => (ids && ids.length > 0 ? ids : undefined));

export const wifiValueSchema = z.union([z.string(), z.number().finite(), z.boolean()]);
export type WifiValue = z.infer<typeof wifiValueSchema>;

const wifiSchema = z
	.record(nonEmptyText('a non-empty setting name'), wifiValueSchema)
	.nullish()
	.transform((settings) => (settings && Object.keys(settings).length > 0 ? settings : undefined));

export const changeRequestShape = {
	/** Who asked for the change (an email address or another identity the checkers know). */
	maker: identitySchema,
	/** Site ids the change applies to. */
	sites: siteListSchema,
	/** What kind of change: 'vlan', 'wifi', 'firewall', 'firmware', ... */
	changeType: nonEmptyText('a non-empty change type such as "vlan", "wifi", "firewall" or "firmware"'),
	risk: riskLevelSchema,
	description: nonEmptyText('a non-empty description of the change'),
	rollbackPlan: rollbackPlanSchema,
	vlanIds: vlanListSchema,
	wifi: wifiSchema,
};

/** The strict schema of a whole change request (unknown fields are refused, so a misspelt field is not ignored). */
export const changeRequestSchema = z.object(changeRequestShape).strict();

export type ChangeRequest = z.output<typeof changeRequestSchema>;
/** What a maker may submit (before trimming and normalising). */
export type ChangeRequestInput = z.input<typeof changeRequestSchema>;

/** Read a change request field by field: the parsed request when it is well-formed, else a reason per bad field. */
export function readChangeRequest(input: unknown): FieldsReading<typeof changeRequestShape> {
	return readFields(changeRequestShape, input, 'change request');
}
