import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import * as clientGetAll from './actions/client/getAll.operation';
import * as deviceGetAll from './actions/device/getAll.operation';
import * as hostGet from './actions/host/get.operation';
import * as hostGetAll from './actions/host/getAll.operation';
import * as ispMetricGet from './actions/ispMetric/get.operation';
import * as networkGetAll from './actions/network/getAll.operation';
import { executeWithOpsLog, opsLogProperty } from '../shared/opsLog';
import { deviceSourceParameter, sourceParameters } from './actions/connector';
import { router } from './actions/router';
import * as siteGet from './actions/site/get.operation';
import * as siteGetAll from './actions/site/getAll.operation';
import { searchHosts, searchLocalSites, searchSites } from './methods/listSearch';

/**
 * UniFi Sites: cloud Site Manager data (sites with statistics, hosts, devices, ISP metrics) with the Site Manager
 * credential, and local console data (WiFi clients with signal, networks/VLANs) with the Network credential.
 * HTTP goes through lib/unifi (ServiceHttpClient), see transport.ts for why.
 */
export class UnifiSites implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'UniFi Sites',
		name: 'unifiSites',
		icon: { light: 'file:unifiSites.svg', dark: 'file:unifiSites.dark.svg' },
		group: ['input'],
		// 1.1: Client and Network read through the Site Manager connector by default (every console, one key).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Read UniFi sites, consoles, devices with statistics, ISP metrics, clients and VLANs of every console (Site Manager API and its connector, or a local console)',
		defaults: { name: 'UniFi Sites' },
		usableAsTool: true,
		 
		inputs: [NodeConnectionTypes.Main],
		 
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			// Site Manager key: everything except Client and Network read from a local console.
			{
				name: 'mspUnifiSiteManagerApi',
				required: true,
				displayOptions: { hide: { source: ['console'] } },
			},
			// Local console key: Client, Device and Network read from a console. Said with `hide`, not `show: { source:
			// ['console'] }`: n8n 2.8's editor takes a parameter a credential is `show`n on for an authentication
			// selector, and then hides it and every parameter it depends on (Resource) from the node's panel.
			{
				name: 'mspUnifiNetworkApi',
				required: true,
				displayOptions: { hide: { resource: ['host', 'ispMetric', 'site'], source: ['siteManager', 'connector'] } },
			},
			// n8n's Supabase credential, for the optional ops log (nodes/shared/opsLog.ts; written out for the linter).
			{ name: 'supabaseApi', required: true, displayOptions: { hide: { opsLog: [false] } } },
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'site',
				options: [
					{ name: 'Client', value: 'client' },
					{ name: 'Device', value: 'device' },
					{ name: 'Host', value: 'host' },
					{ name: 'ISP Metric', value: 'ispMetric' },
					{ name: 'Network', value: 'network' },
					{ name: 'Site', value: 'site' },
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['client'] } },
				default: 'getAll',
				options: [
					{
						name: 'Get Many',
						value: 'getAll',
						action: 'Get many clients',
						description: 'Get connected clients of every console (connector) or WiFi clients with signal of a local console',
					},
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['device'] } },
				default: 'getAll',
				options: [
					{
						name: 'Get Many',
						value: 'getAll',
						action: 'Get many devices',
						description: 'Get network devices, one item per device with its host and site (and statistics through the connector)',
					},
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['host'] } },
				default: 'getAll',
				options: [
					{ name: 'Get', value: 'get', action: 'Get a host', description: 'Get one console (host)' },
					{ name: 'Get Many', value: 'getAll', action: 'Get many hosts', description: 'Get the consoles (hosts) of the account' },
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['ispMetric'] } },
				default: 'get',
				options: [
					{
						name: 'Get',
						value: 'get',
						action: 'Get ISP metrics',
						description: 'Get WAN latency, packet loss, uptime and throughput per site (5-minute or hourly)',
					},
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['network'] } },
				default: 'getAll',
				options: [
					{
						name: 'Get Many',
						value: 'getAll',
						action: 'Get many networks',
						description: 'Get networks and VLANs per site, of every console (connector) or of a local console',
					},
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['site'] } },
				default: 'getAll',
				options: [
					{ name: 'Get', value: 'get', action: 'Get a site', description: 'Get one site with its statistics' },
					{ name: 'Get Many', value: 'getAll', action: 'Get many sites', description: 'Get sites with statistics (devices, clients, WAN uptime, ISP)' },
				],
			},
			...sourceParameters('client'),
			deviceSourceParameter,
			...sourceParameters('network'),
			...clientGetAll.description,
			...deviceGetAll.description,
			...hostGet.description,
			...hostGetAll.description,
			...ispMetricGet.description,
			...networkGetAll.description,
			...siteGet.description,
			...siteGetAll.description,
			opsLogProperty,
		],
	};

	methods = {
		listSearch: { searchHosts, searchLocalSites, searchSites },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return executeWithOpsLog(this, 'unifi', () => router.call(this));
	}
}
