import { routerFor, type OperationModule } from '../../shared/router';
import * as clientGetAll from './client/getAll.operation';
import * as deviceGetAll from './device/getAll.operation';
import * as hostGet from './host/get.operation';
import * as hostGetAll from './host/getAll.operation';
import * as ispMetricGet from './ispMetric/get.operation';
import * as networkGetAll from './network/getAll.operation';
import * as siteGet from './site/get.operation';
import * as siteGetAll from './site/getAll.operation';

export const operations: Record<string, Record<string, OperationModule>> = {
	client: { getAll: clientGetAll },
	device: { getAll: deviceGetAll },
	host: { get: hostGet, getAll: hostGetAll },
	ispMetric: { get: ispMetricGet },
	network: { getAll: networkGetAll },
	site: { get: siteGet, getAll: siteGetAll },
};

export const router = routerFor(operations);
