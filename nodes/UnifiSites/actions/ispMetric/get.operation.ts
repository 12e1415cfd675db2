import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import { simplifyIspMetrics, type IspMetricType } from '../../../../lib/unifi';
import { dateTimeParameter } from '../../../../lib/datetime';
import { parseWith } from '../../../../lib/validation';
import { runPerItemWith } from '../../../shared/n8nAdapter';
import { getSiteManagerClient } from '../../transport';
import { readLimit, readLocator, readSimplify, returnAllAndLimit, simplifyParameter, siteLocator } from '../common';

const show = { resource: ['ispMetric'], operation: ['get'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Interval',
		name: 'metricType',
		type: 'options',
		default: '1h',
		options: [
			{ name: '5 Minutes', value: '5m', description: 'Kept for 24 hours' },
			{ name: '1 Hour', value: '1h', description: 'Kept for 30 days' },
		],
		description: 'Granularity of the ISP metrics (early-access API: 100 requests per minute)',
		displayOptions: { show },
	},
	{
		displayName: 'Time Selection',
		name: 'timeMode',
		type: 'options',
		default: 'duration',
		options: [
			{ name: 'Duration', value: 'duration' },
			{ name: 'Time Range', value: 'range' },
		],
		displayOptions: { show },
	},
	{
		displayName: 'Duration',
		name: 'duration5m',
		type: 'options',
		default: '24h',
		options: [{ name: 'Last 24 Hours', value: '24h' }],
		displayOptions: { show: { ...show, metricType: ['5m'], timeMode: ['duration'] } },
	},
	{
		displayName: 'Duration',
		name: 'duration1h',
		type: 'options',
		default: '7d',
		options: [
			{ name: 'Last 7 Days', value: '7d' },
			{ name: 'Last 30 Days', value: '30d' },
		],
		displayOptions: { show: { ...show, metricType: ['1h'], timeMode: ['duration'] } },
	},
	{
		displayName: 'Begin',
		name: 'beginTimestamp',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'Start of the range',
		displayOptions: { show: { ...show, timeMode: ['range'] } },
	},
	{
		displayName: 'End',
		name: 'endTimestamp',
		type: 'dateTime',
		default: '',
		description: 'End of the range (default: now)',
		displayOptions: { show: { ...show, timeMode: ['range'] } },
	},
	{
		displayName: 'Only One Site',
		name: 'filterSite',
		type: 'boolean',
		default: false,
		description: 'Whether to keep only the metrics of one site',
		displayOptions: { show },
	},
	siteLocator({ ...show, filterSite: [true] }),
	...returnAllAndLimit(show),
	simplifyParameter(show),
];

/** Begin and end without an offset (n8n's date picker sends none) are read in the workflow's time zone. */
function paramsSchema(zone: string) {
	const rfc3339 = dateTimeParameter(zone);
	return z.discriminatedUnion('timeMode', [
		z.object({ timeMode: z.literal('duration'), metricType: z.enum(['5m', '1h']), duration: z.string().min(1) }),
		z.object({ timeMode: z.literal('range'), metricType: z.enum(['5m', '1h']), beginTimestamp: rfc3339, endTimestamp: rfc3339.optional() }),
	]);
}

/** GET /ea/isp-metrics/{5m|1h}: WAN latency, packet loss, uptime and throughput per site and period. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runPerItemWith(this, () => getSiteManagerClient(this), async (client, i) => {
		const metricType = this.getNodeParameter('metricType', i) as IspMetricType;
		const timeMode = this.getNodeParameter('timeMode', i) as string;
		const end = timeMode === 'range' ? (this.getNodeParameter('endTimestamp', i, '') as string) : '';
		const params = parseWith(
			paramsSchema(this.getTimezone()),
			timeMode === 'range'
				? { timeMode, metricType, beginTimestamp: this.getNodeParameter('beginTimestamp', i, ''), endTimestamp: end || undefined }
				: { timeMode, metricType, duration: this.getNodeParameter(metricType === '5m' ? 'duration5m' : 'duration1h', i) },
			{ what: 'ISP Metrics parameters', service: 'unifi', operation: 'listIspMetrics', itemIndex: i },
		);
		const siteId = this.getNodeParameter('filterSite', i, false) ? readLocator(this, 'site', i) : '';
		const limit = readLimit(this, i, 'unifi', 'listIspMetrics');
		const simplify = readSimplify(this, i);
		const metrics = await client.listIspMetrics({
			type: params.metricType,
			...(params.timeMode === 'duration' ? { duration: params.duration } : { beginTimestamp: params.beginTimestamp, endTimestamp: params.endTimestamp }),
			// With a site filter the wanted site may be on any page: read all pages, then keep the match.
			limit: siteId ? undefined : limit,
			itemIndex: i,
		});
		const kept = siteId ? metrics.filter((m) => m.siteId === siteId).slice(0, limit ?? Infinity) : metrics;
		return kept.map((m) => (simplify ? simplifyIspMetrics(m) : m) as unknown as IDataObject);
	});
}
