import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import { readConsoles, readLocalConsole, type ConsoleEntry, type ConsoleReadRequest, type ConsoleReadResult, type ConsoleScope, type LocalConsoleReadRequest, type UnifiNetworkClient } from '../../../lib/unifi';
import { parseWith } from '../../../lib/validation';
import { warnOnOutput } from '../../shared/hints';
import { getSiteManagerClient } from '../transport';
import { hostLocator, readLocator, siteLocator } from './common';

type Show = NonNullable<IDisplayOptions['show']>;

/**
 * Client, Device and Network read through the Site Manager cloud connector: one site, one console, or every console
 * of the account, with the Site Manager credential (lib/unifi/consoles.ts). Consoles that are skipped or fail come
 * out as `unifi.console` items after the records, and as a warning on the output, never as a failed node.
 */

export function connectorScopeParameters(show: Show): INodeProperties[] {
	return [
		{
			displayName: 'Consoles',
			name: 'consoleScope',
			type: 'options',
			default: 'all',
			description: 'Which consoles to read through the Site Manager connector',
			displayOptions: { show },
			options: [
				{ name: 'All Consoles', value: 'all', description: 'Every console of the account that runs the Network application' },
				{ name: 'One Console', value: 'host', description: 'Every site of one console (host)' },
				{ name: 'One Site', value: 'site', description: 'One Site Manager site (its console is found for you)' },
			],
		},
		hostLocator({ ...show, consoleScope: ['host'] }, true, 'The console (host) to read'),
		siteLocator({ ...show, consoleScope: ['site'] }),
	];
}

export function connectorOptionsParameter(show: Show): INodeProperties {
	return {
		displayName: 'Connector Options',
		name: 'connectorOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Console Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 32 },
				default: 8,
				description: 'How many consoles to read at the same time. All requests still share the API key\'s rate budget (10,000 per minute).',
			},
			{
				displayName: 'Minimum Console Firmware',
				name: 'minFirmware',
				type: 'string',
				default: '5.0.3',
				description: 'Consoles that report an older firmware are skipped and listed, not called (the connector needs 5.0.3 or later). Empty to call every console.',
			},
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 200 },
				default: 100,
				description: 'Records per request to a console (the Network API allows up to 200)',
			},
			{
				displayName: 'Path Style',
				name: 'pathStyle',
				type: 'options',
				default: 'proxy',
				description: 'How connector paths are written; public clients use both shapes',
				options: [
					{ name: 'With Proxy Prefix (Ubiquiti Examples)', value: 'proxy', description: 'Paths like /v1/connector/consoles/{ID}/proxy/network/integration/v1/sites' },
					{ name: 'Without Proxy Prefix', value: 'noProxy', description: 'Paths like /v1/connector/consoles/{ID}/network/integration/v1/sites' },
					{ name: 'Auto', value: 'auto', description: 'Try with /proxy; on 404 try once without (one extra request per console)' },
				],
			},
			{
				displayName: 'Skip Offline Consoles',
				name: 'skipOffline',
				type: 'boolean',
				default: true,
				description: 'Whether to skip (and list) consoles that Site Manager reports as not connected, instead of calling them',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSec',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 300 },
				default: 30,
				description: 'How long to wait for one console\'s answer through the connector',
			},
		],
	};
}

const optionsSchema = z
	.object({
		concurrency: z.number().int().min(1).max(32).optional(),
		minFirmware: z
			.string()
			.trim()
			.regex(/^(\d+(\.\d+)*)?$/, 'a version such as 5.0.3, or empty')
			.optional(),
		pageSize: z.number().int().min(1).max(200).optional(),
		pathStyle: z.enum(['proxy', 'noProxy', 'auto']).optional(),
		skipOffline: z.boolean().optional(),
		timeoutSec: z.number().min(1).max(300).optional(),
	})
	.strict();

export function readConnectorOptions(ctx: IExecuteFunctions, i: number) {
	return parseWith(optionsSchema, ctx.getNodeParameter('connectorOptions', i, {}), { what: "parameter 'Connector Options'", service: 'unifi', operation: 'readConsoles', itemIndex: i });
}

export function readScope(ctx: IExecuteFunctions, i: number): ConsoleScope {
	const kind = ctx.getNodeParameter('consoleScope', i, 'all') as string;
	if (kind === 'host') return { kind: 'host', hostId: requireValue(readLocator(ctx, 'host', i), 'Host', i) };
	if (kind === 'site') return { kind: 'site', siteId: requireValue(readLocator(ctx, 'site', i), 'Site', i) };
	return { kind: 'all' };
}

function requireValue(value: string, what: string, i: number): string {
	return parseWith(z.string().min(1, `a ${what} (choose one from the list or enter its ID)`), value, { what: `parameter '${what}'`, service: 'unifi', operation: 'readConsoles', itemIndex: i });
}

/** Read through the connector for item `i`: one Site Manager client per execution (the key's budget is shared anyway). */
export async function readThroughConnector(ctx: IExecuteFunctions, i: number, request: Omit<ConsoleReadRequest, 'scope' | 'settings' | 'itemIndex'>): Promise<ConsoleReadResult> {
	const options = readConnectorOptions(ctx, i);
	const scope = readScope(ctx, i);
	const client = await getSiteManagerClient(ctx, { connectorTimeoutMs: options.timeoutSec !== undefined ? options.timeoutSec * 1000 : undefined });
	const result = await readConsoles(client, {
		...request,
		scope,
		itemIndex: i,
		settings: { pathStyle: options.pathStyle, concurrency: options.concurrency, pageSize: options.pageSize, skipOffline: options.skipOffline, minFirmware: options.minFirmware },
	});
	warnAboutConsoles(ctx, result);
	return result;
}

/** Records (or, with Simplify off, the raw objects) up to `limit`. */
export function entryItems(entries: ConsoleEntry[], simplify: boolean, limit: number | undefined): IDataObject[] {
	const kept = limit === undefined ? entries : entries.slice(0, limit);
	return kept.map((e) => (simplify ? e.record : e.raw) as unknown as IDataObject);
}

/** Records (or raw objects) up to `limit`, then one item per console that was skipped, unreachable or partly read. */
export function connectorItems(result: ConsoleReadResult, entries: ConsoleEntry[], simplify: boolean, limit: number | undefined): IDataObject[] {
	return [...entryItems(entries, simplify, limit), ...(result.consoles as unknown as IDataObject[])];
}

function warnAboutConsoles(ctx: IExecuteFunctions, result: ConsoleReadResult): void {
	const failed = result.consoles.filter((c) => c.status !== 'partial');
	if (!failed.length) return;
	const names = failed.slice(0, 5).map((c) => `${c.name ?? c.hostId} (${c.status}: ${c.reason.split(':')[0]})`);
	const message = `${result.consolesRead} of ${result.consolesAsked} consoles read; not read: ${names.join(', ')}${failed.length > 5 ? ` and ${failed.length - 5} more` : ''}. Each is an item with kind "unifi.console" and the reason.`;
	warnOnOutput(ctx, message);
}

/**
 * Where Client and Network read from. Version 1 nodes keep reading the local console; from 1.1 new nodes default to
 * the connector, which reaches every console with one key.
 */
export function sourceParameters(resource: 'client' | 'network'): INodeProperties[] {
	return [
		{
			displayName: 'Source',
			name: 'source',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Site Manager Connector',
					value: 'connector',
					description: 'Every customer console through the cloud connector, with the Site Manager credential (consoles need firmware 5.0.3 or later)',
				},
				{
					name: 'Local Console',
					value: 'console',
					description: 'One console reached directly from n8n, with the UniFi Network credential (legacy API: WiFi signal per client)',
				},
			],
			default: 'console',
			displayOptions: { show: { resource: [resource], '@version': [1] } },
		},
		{
			displayName: 'Source',
			name: 'source',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Site Manager Connector',
					value: 'connector',
					description: 'Every customer console through the cloud connector, with the Site Manager credential (consoles need firmware 5.0.3 or later)',
				},
				{
					name: 'Local Console',
					value: 'console',
					description: 'One console reached directly from n8n, with the UniFi Network credential (legacy API: WiFi signal per client)',
				},
			],
			default: 'connector',
			displayOptions: { show: { resource: [resource], '@version': [{ _cnd: { gte: 1.1 } }] } },
		},
	];
}

export const deviceSourceParameter: INodeProperties = {
	displayName: 'Source',
	name: 'source',
	type: 'options',
	noDataExpression: true,
	default: 'siteManager',
	displayOptions: { show: { resource: ['device'] } },
	options: [
		{ name: 'Site Manager Device List', value: 'siteManager', description: 'All devices of the account in a few requests (no statistics)' },
		{
			name: 'Site Manager Connector (With Statistics)',
			value: 'connector',
			description: 'Devices of each console through the cloud connector, with the latest statistics (CPU, memory, WiFi radio TX retries)',
		},
		{
			name: 'Local Console (With Statistics)',
			value: 'console',
			description: 'Devices of one console reached directly, with the UniFi Network credential (official Integration API)',
		},
	],
};

/** Local console through its official Integration API: the sites the Local Site parameters name, as records. */
export async function readLocalConsoleItems(
	ctx: IExecuteFunctions,
	client: UnifiNetworkClient,
	i: number,
	request: Omit<LocalConsoleReadRequest, 'sites' | 'itemIndex'>,
): Promise<ConsoleEntry[]> {
	const sites = ctx.getNodeParameter('allSites', i, false) ? [] : [requireValue(readLocator(ctx, 'localSite', i), 'Local Site', i)];
	return readLocalConsole(client, { ...request, sites, itemIndex: i });
}
