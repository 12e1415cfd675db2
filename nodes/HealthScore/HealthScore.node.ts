import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { z } from 'zod';
import { MATCH_METHODS, resolveHealthSettings, scoreEstate, type MatchMethod, type SiteMappingEntry } from '../../lib/health';
import { parseWith } from '../../lib/validation';
import { errorItemJson, failedItems, toNodeError } from '../shared/n8nAdapter';
import { healthScoreProperties } from './description';

const mappingEntrySchema = z.object({
	site: z.string().min(1),
	organization: z.union([z.string().min(1), z.number().int()]),
});
const mappingSchema = z.union([
	z.array(mappingEntrySchema),
	z.record(z.string().min(1), z.union([z.string().min(1), z.number().int()])),
]);
const matchBySchema = z.array(z.enum(MATCH_METHODS as [MatchMethod, ...MatchMethod[]]));

function readMapping(raw: unknown): SiteMappingEntry[] {
	let value = raw;
	if (typeof raw === 'string') {
		if (!raw.trim()) return [];
		try {
			value = JSON.parse(raw);
		} catch {
			// Not JSON: left as the string, so the check below says what was expected.
			value = raw;
		}
	}
	const parsed = parseWith(mappingSchema, value ?? [], { what: "parameter 'Site Mapping' (JSON)" });
	return Array.isArray(parsed) ? parsed : Object.entries(parsed).map(([site, organization]) => ({ site, organization }));
}

export class HealthScore implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Health Score',
		name: 'healthScore',
		icon: { light: 'file:healthScore.svg', dark: 'file:healthScore.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: 'Score customer sites',
		description: 'One explainable 0-100 health score per customer site from UniFi and NinjaOne data',
		defaults: { name: 'Health Score' },
		// Read-only arithmetic over the items it is given: safe for an AI agent to call.
		usableAsTool: true,
		 
		inputs: [NodeConnectionTypes.Main],
		 
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Scores', 'Unmatched'],
		properties: healthScoreProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// The node scores all items in one go with parameters read from item 0: whatever stops it names item 0, or
		// becomes one error item with Continue On Fail.
		try {
			return scoreItems(this);
		} catch (error) {
			return [failedItems(this, error, 0), []];
		}
	}
}

function scoreItems(ctx: IExecuteFunctions): INodeExecutionData[][] {
	const items = ctx.getInputData();
	const node = ctx.getNode();
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const weights = ctx.getNodeParameter('weights', 0, {}) as IDataObject;
	const settings = resolveHealthSettings({ ...options, weights });
	const matchBy = parseWith(matchBySchema, ctx.getNodeParameter('matchBy', 0, MATCH_METHODS), {
		what: "parameter 'Join Sites and Organizations By'",
	});
	const mapping = matchBy.includes('mapping') ? readMapping(ctx.getNodeParameter('siteMapping', 0, '[]')) : [];

	const result = scoreEstate(
		items.map((item) => item.json),
		{ settings, matchBy, mapping },
	);

	const scores: INodeExecutionData[] = [];
	if (result.errors.length) {
		if (!ctx.continueOnFail()) {
			const first = result.errors[0];
			const more = result.errors.length > 1 ? ` (${result.errors.length - 1} more items are invalid too)` : '';
			const error = toNodeError(node, first.error, first.itemIndex);
			error.message += more;
			throw error;
		}
		for (const { itemIndex, error } of result.errors) scores.push({ json: errorItemJson(error), pairedItem: { item: itemIndex } });
	}
	if (!result.scores.length && items.length && !result.errors.length) {
		throw new NodeOperationError(node, 'No UniFi site records (kind "unifi.site") in the input', {
			itemIndex: 0,
			description:
				'Connect UniFi Sites > Site > Get Many (Simplify on) to the Merge node that feeds this node. Records read: ' +
				JSON.stringify(result.counts),
		});
	}

	const paired = (indexes: number[]) => indexes.map((item) => ({ item }));
	for (const entry of result.scores) scores.push({ json: entry.json as unknown as IDataObject, pairedItem: paired(entry.items) });
	const unmatched = result.unmatched.map((entry) => ({ json: entry.json as unknown as IDataObject, pairedItem: paired(entry.items) }));
	return [scores, unmatched];
}
